package api

import (
	"reflect"
	"slices"
	"testing"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/hits"
	"github.com/manara-hub/manara/internal/messages"
	"github.com/manara-hub/manara/internal/webhooks"
)

// TestCooperationSchemas: the request schemas of hits, webhooks and
// messages list exactly what the strict decoder accepts, and the response
// schemas what is sent.
func TestCooperationSchemas(t *testing.T) {
	sc := merge(schemas(), cooperationSchemas())
	bodies := map[string]reflect.Type{
		"HitChange": reflect.TypeFor[hits.Change](), "NewWebhook": reflect.TypeFor[webhooks.Registration](),
		"MessagePost": reflect.TypeFor[messages.Post](), "NewThread": reflect.TypeFor[messages.NewThread](),
	}
	for name, typ := range bodies {
		s, _ := sc[name].(obj)
		if s == nil || s["additionalProperties"] != false {
			t.Errorf("%s: missing or not strict", name)
			continue
		}
		props, _ := s["properties"].(obj)
		var got []string
		for k := range props {
			got = append(got, k)
		}
		slices.Sort(got)
		if want := jsonFields(typ); !slices.Equal(got, want) {
			t.Errorf("%s: schema %v, decoder %v", name, got, want)
		}
	}
	responses := map[string][]string{
		"HitRecord": jsonFields(reflect.TypeFor[hits.View]()), "HitStats": jsonFields(reflect.TypeFor[hits.Stats]()),
		"Webhook": jsonFields(reflect.TypeFor[core.Webhook]()), "Delivery": jsonFields(reflect.TypeFor[core.Delivery]()),
		"Thread": jsonFields(reflect.TypeFor[core.Thread]()), "Message": jsonFields(reflect.TypeFor[core.Message]()),
		"ThreadView": jsonFields(reflect.TypeFor[messages.ThreadView]()), "Hit": jsonFields(reflect.TypeFor[AnswerHit]()),
	}
	for name, want := range responses {
		props, _ := sc[name].(obj)["properties"].(obj)
		var got []string
		for k := range props {
			got = append(got, k)
		}
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("%s: schema %v, sent %v", name, got, want)
		}
	}
}
