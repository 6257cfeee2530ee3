package hits

import (
	"time"

	"github.com/manara-hub/manara/internal/core"
)

// ApplyStepTx applies in tx one side's state change that another process
// of the federation made on a hit this process keeps (the federation
// package has checked who sent it, its order and the transition): the
// side's state, the step in the history, a new version, and the events
// each side is told of, as after a local Transition.
func ApplyStepTx(tx core.Tx, h *core.Hit, step core.HitStep, now time.Time) error {
	if step.Side == Owner {
		h.OwnerState = step.To
		if h.Searcher == h.Owner {
			h.SearcherState = step.To
		}
	} else {
		h.SearcherState = step.To
	}
	h.History = append(h.History, step)
	h.Version++
	if err := tx.UpdateHit(h); err != nil {
		return err
	}
	rec, err := tx.GetRecord(h.RecordID)
	if err != nil {
		return err
	}
	return tx.InsertEvents(events(EventUpdated, h, rec, now, step.Side == Owner))
}

// SideState is the state one side of h stands in.
func SideState(h *core.Hit, side string) string {
	if side == Owner {
		return h.OwnerState
	}
	return h.SearcherState
}
