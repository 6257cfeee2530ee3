package api_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/store/storetest"
)

// publicGet reads a public address without credentials.
func publicGetRaw(t *testing.T, u string) (*http.Response, []byte) {
	t.Helper()
	res, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res, body
}

// README, public extracts: "Answers carry an ETag (304 on If-None-Match)
// and Cache-Control: public, max-age=60". A photo too: once its notice is
// cancelled (the person was found, or wrongly named) the public address
// answers 404, and a shared cache must not keep serving the face longer
// than the extract itself (it was served for an hour).
func TestPublicPhotoCachedNoLongerThanExtract(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f := newNoticeFixture(t, b)
			ma := f.user(t, "MA", core.RoleOfficer)
			rev := f.user(t, "IPSG", core.RoleReviewer)
			n := f.publish(t, ma, rev, "yellow", validData("yellow"), map[string]any{"public_extract": true})
			png := append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), make([]byte, 32)...)
			r := f.do(t, "POST", "/api/v1/notices/"+n.ID+"/attachments?name=child.png", png, ma, "Content-Type", "application/octet-stream")
			if r.Status != 201 {
				t.Fatalf("photo: %s", r)
			}
			var a core.Attachment
			r.decode(t, &a)
			base := f.URL + "/notices/v1/yellow/" + strings.ReplaceAll(n.EntityID, "/", "-")

			res, _ := publicGetRaw(t, base)
			if res.StatusCode != 200 {
				t.Fatalf("detail: %d", res.StatusCode)
			}
			detailAge := maxAge(res.Header.Get("Cache-Control"))
			res, _ = publicGetRaw(t, base+"/images/"+a.ID)
			if res.StatusCode != 200 {
				t.Fatalf("image: %d", res.StatusCode)
			}
			if age := maxAge(res.Header.Get("Cache-Control")); age > 60 || age > detailAge {
				t.Errorf("public photo Cache-Control %q (max-age %d s), detail %d s: README says max-age=60; a cancelled notice's photo stays in shared caches that long",
					res.Header.Get("Cache-Control"), age, detailAge)
			}
		})
	}
}

func maxAge(cc string) int {
	for _, part := range strings.Split(cc, ",") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(part), "max-age="); ok {
			n, _ := strconv.Atoi(v)
			return n
		}
	}
	return -1
}

// The public extract of a Yellow Notice shows the name, birth, place and
// date of the disappearance and the parents; not the circumstances the
// bureau wrote for the police (the extract's detail has no such field).
// freeText must search only what the extract shows: otherwise anyone can
// test words against a missing child's circumstances (it answered a total
// of 1 for "stepfather", 0 for another word).
func TestPublicFreeTextSearchesOnlyTheExtract(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f := newNoticeFixture(t, b)
			ma := f.user(t, "MA", core.RoleOfficer)
			rev := f.user(t, "IPSG", core.RoleReviewer)
			d := validData("yellow")
			d["circumstances"] = "ran away after repeated violence by her stepfather; may try to reach an aunt"
			n := f.publish(t, ma, rev, "yellow", d, map[string]any{"public_extract": true})

			res, body := publicGetRaw(t, f.URL+"/notices/v1/yellow/"+strings.ReplaceAll(n.EntityID, "/", "-"))
			if res.StatusCode != 200 {
				t.Fatalf("detail: %d %s", res.StatusCode, body)
			}
			if strings.Contains(strings.ToLower(string(body)), "stepfather") {
				t.Fatalf("the circumstances are part of the public extract: %s", body)
			}
			res, body = publicGetRaw(t, f.URL+"/notices/v1/yellow?freeText=stepfather")
			var l struct {
				Total int `json:"total"`
			}
			if res.StatusCode != 200 || json.Unmarshal(body, &l) != nil {
				t.Fatalf("list: %d %s", res.StatusCode, body)
			}
			if l.Total != 0 {
				t.Errorf("freeText=stepfather finds %d public Yellow Notice(s), by words that appear nowhere in its public extract (only in its circumstances)", l.Total)
			}
		})
	}
}

// A record its owner marked no_further_dissemination goes to "the
// recipient's organisation only" (README: exported as TLP AMBER+STRICT
// whoever it is released to). The same owner's consent to a public
// extract beside it was accepted without a word, and the notice then
// served to anyone, without login, on the public API: the looser of two
// contradictory instructions won. The combination is refused at the
// request (422 naming public_extract), on creation as on a change.
func TestPublicExtractRefusedWithNoFurtherDissemination(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f := newNoticeFixture(t, b)
			ma := f.user(t, "MA", core.RoleOfficer)
			rev := f.user(t, "IPSG", core.RoleReviewer)
			in := map[string]any{"type": "red", "data": validData("red"), "public_extract": true,
				"caveats": []string{core.CaveatNoFurtherDissemination}}
			wantProblem(t, f.do(t, "POST", "/api/v1/notices", in, ma), 422, "invalid", "public_extract")

			// Nor may a public notice take the caveat afterwards.
			p := f.publish(t, ma, rev, "red", validData("red"), map[string]any{"public_extract": true})
			wantProblem(t, f.do(t, "PUT", "/api/v1/notices/"+p.ID, map[string]any{"caveats": []string{core.CaveatNoFurtherDissemination},
				"reason": "restricted", "version": p.Version}, ma), 422, "invalid", "public_extract")
			if res, body := publicGetRaw(t, f.URL+"/notices/v1/red/"+strings.ReplaceAll(p.EntityID, "/", "-")); res.StatusCode != 200 {
				t.Errorf("the public notice after the refused change: %d %s", res.StatusCode, body)
			}
		})
	}
}
