package console

import (
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/federation"
)

// federationData is the peers page: this process's place in the
// federation and each peer's state.
type federationData struct {
	Role, Self, PublicKey string
	Peers                 []federation.PeerState
}

// federationPage shows each peer's state to this process's
// administrators (the federation service asks access and audits).
func (c *Console) federationPage(q *req) error {
	f := c.API.Federation
	if f == nil {
		return core.Errorf(core.ENOTFOUND, "federation is not enabled on this server")
	}
	ps, err := f.Peers(q.r.Context(), q.V)
	if err != nil {
		return err
	}
	return c.show(q, "federation", "federation", "federation.title", federationData{Role: f.Role, Self: f.Self(), PublicKey: f.PublicKey(), Peers: ps})
}

// toInt turns the counts and seconds a page shows into an int for Num.
func toInt(x any) int {
	switch v := x.(type) {
	case int:
		return v
	case int64:
		return int(v)
	case float64:
		return int(v)
	}
	return 0
}
