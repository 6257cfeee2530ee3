package core_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/manara-hub/manara/internal/core"
)

// TestEscalationKeepsSilverNotice: version 1 of the API gave one
// silver_notice; there may now be several (silver_notices), and the
// first is still written as silver_notice for its clients in a campaign's
// escalations (the API's answer to an escalation does the same).
func TestEscalationKeepsSilverNotice(t *testing.T) {
	b, _ := json.Marshal(core.Escalation{Silver: []string{"n-1", "n-2"}})
	if !strings.Contains(string(b), `"silver_notice":"n-1"`) || !strings.Contains(string(b), `"silver_notices":["n-1","n-2"]`) {
		t.Errorf("a campaign's escalation: %s", b)
	}
	var back core.Escalation
	if err := json.Unmarshal(b, &back); err != nil || len(back.Silver) != 2 {
		t.Errorf("read back: %+v %v", back, err)
	}
	if b, _ := json.Marshal(core.Escalation{}); strings.Contains(string(b), "silver_notice") {
		t.Errorf("no Silver Notice request, yet: %s", b)
	}
}
