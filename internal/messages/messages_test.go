package messages

import (
	"encoding/json"
	"slices"
	"testing"
	"unicode/utf8"

	"github.com/manara-hub/manara/internal/core"
)

func FuzzPost(f *testing.F) {
	f.Add(`{"type":"general","body":"hello"}`)
	f.Add(`{"type":"information_request","body":"x","attachments":[{"name":"a.pdf","data":"JVBERi0="}]}`)
	f.Add(`{"type":"gossip","body":""}`)
	f.Add(`{"type":"general","body":"x","attachments":[{"name":"../../etc/passwd","data":"AA=="}]}`)
	f.Fuzz(func(t *testing.T, raw string) {
		var p Post
		if json.Unmarshal([]byte(raw), &p) != nil {
			return
		}
		err := p.Validate("")
		if err != nil {
			if c := core.ErrorCode(err); c != core.EINVALID && c != core.ETOOLARGE {
				t.Fatalf("code %s", c)
			}
			return
		}
		if !slices.Contains(core.MessageTypes, p.Type) || p.Body == "" || utf8.RuneCountInString(p.Body) > MaxBody || len(p.Attachments) > MaxAttachments {
			t.Fatalf("accepted %+v", p)
		}
		for _, a := range p.Attachments {
			if len(a.Data) == 0 || len(a.Data) > MaxAttachmentBytes || a.Name == "" {
				t.Fatalf("accepted attachment %q (%d bytes)", a.Name, len(a.Data))
			}
		}
	})
}
