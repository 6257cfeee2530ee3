package api_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/records"
	"github.com/manara-hub/manara/internal/store/storetest"
)

// The structs an existing client of INTERPOL's public notices API
// decodes into (ws-public.interpol.int/notices/v1). The test drives the
// API only through them and the links the answers give.
type interpolLink struct {
	Href string `json:"href"`
}

type interpolList struct {
	Total    int            `json:"total"`
	Query    map[string]any `json:"query"`
	Embedded struct {
		Notices []struct {
			EntityID      string   `json:"entity_id"`
			Forename      string   `json:"forename"`
			Name          string   `json:"name"`
			DateOfBirth   string   `json:"date_of_birth"`
			Nationalities []string `json:"nationalities"`
			Links         struct {
				Self      interpolLink  `json:"self"`
				Images    interpolLink  `json:"images"`
				Thumbnail *interpolLink `json:"thumbnail"`
			} `json:"_links"`
		} `json:"notices"`
	} `json:"_embedded"`
	Links struct {
		Self  interpolLink  `json:"self"`
		First interpolLink  `json:"first"`
		Next  *interpolLink `json:"next"`
		Last  interpolLink  `json:"last"`
	} `json:"_links"`
}

type interpolRed struct {
	EntityID       string   `json:"entity_id"`
	Forename       string   `json:"forename"`
	Name           string   `json:"name"`
	DateOfBirth    string   `json:"date_of_birth"`
	SexID          string   `json:"sex_id"`
	Nationalities  []string `json:"nationalities"`
	PlaceOfBirth   *string  `json:"place_of_birth"`
	Languages      []string `json:"languages_spoken_ids"`
	ArrestWarrants []struct {
		IssuingCountryID  string  `json:"issuing_country_id"`
		Charge            string  `json:"charge"`
		ChargeTranslation *string `json:"charge_translation"`
	} `json:"arrest_warrants"`
	Links struct {
		Self      interpolLink  `json:"self"`
		Images    interpolLink  `json:"images"`
		Thumbnail *interpolLink `json:"thumbnail"`
	} `json:"_links"`
}

type interpolImages struct {
	Embedded struct {
		Images []struct {
			PictureID string `json:"picture_id"`
			Links     struct {
				Self interpolLink `json:"self"`
			} `json:"_links"`
		} `json:"images"`
	} `json:"_embedded"`
}

func TestPublicNoticesAPIAsAnInterpolClient(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f := newNoticeFixture(t, b)
			f.Server.PublicRate = 60
			ma := f.user(t, "MA", core.RoleOfficer)
			fr := f.user(t, "FR", core.RoleOfficer)
			rev := f.user(t, "IPSG", core.RoleReviewer)

			consent := map[string]any{"public_extract": true}
			var published []notice
			for i, fam := range []string{"Kharroubi", "Benali", "Tazi"} {
				d := validData("red")
				d["family_name"], d["date_of_birth"] = fam, "19"+strconv.Itoa(70+i)+"-05-17"
				if i > 0 {
					d["given_names"] = "Karim"
					delete(d, "name_original")
				}
				published = append(published, f.publish(t, ma, rev, "red", d, consent))
			}
			secret := validData("red")
			secret["family_name"] = "Secretname"
			delete(secret, "name_original")
			f.publish(t, ma, rev, "red", secret, nil) // no consent: never public
			d := validData("red")
			d["family_name"], d["given_names"], d["nationalities"] = "Durand", "Pierre", []string{"FR"}
			delete(d, "name_original")
			d["warrant"] = map[string]any{"kind": "arrest_warrant", "reference": "MA-1", "date": "2026-01-01", "authority": "Tribunal de Paris", "country": "FR"}
			frNotice := f.publish(t, fr, rev, "red", d, consent)
			f.publish(t, ma, rev, "yellow", validData("yellow"), consent)
			draft := f.noticeDo(t, 201, "POST", "/api/v1/notices", map[string]any{"type": "red", "data": validData("red"), "public_extract": true}, ma)
			// A photo on the first notice.
			png := append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), make([]byte, 32)...)
			if r := f.do(t, "POST", "/api/v1/notices/"+published[0].ID+"/attachments?name=face.png", png, ma, "Content-Type", "application/octet-stream"); r.Status != 201 {
				t.Fatalf("photo: %s", r)
			}
			// A UN Special Notice, from the import.
			if _, err := f.Records.Create(context.Background(), core.Viewer{Bureau: "IPSG", UserID: "import:un", Permissions: []string{core.PermRecordsRead, core.PermRecordsWrite}},
				records.Input{Kind: core.KindNotice, Releasability: &core.Releasability{Mode: core.ReleaseAll},
					Data: json.RawMessage(`{"notice_type":"un","name":"Abu Example","subject_type":"individual","reference":"QDi.999","nationalities":["IQ"]}`)}); err != nil {
				t.Fatal(err)
			}
			if _, err := f.Notices.Adopt(context.Background()); err != nil {
				t.Fatal(err)
			}

			client := &http.Client{}
			get := func(u string, hdr ...string) (*http.Response, []byte) {
				t.Helper()
				req, _ := http.NewRequest("GET", u, nil)
				for i := 0; i+1 < len(hdr); i += 2 {
					req.Header.Set(hdr[i], hdr[i+1])
				}
				res, err := client.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer res.Body.Close()
				body, _ := io.ReadAll(res.Body)
				return res, body
			}
			getJSON := func(u string, v any) *http.Response {
				t.Helper()
				res, body := get(u)
				if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
					t.Fatalf("GET %s: %d %s", u, res.StatusCode, body)
				}
				if err := json.Unmarshal(body, v); err != nil {
					t.Fatalf("GET %s: %v: %s", u, err, body)
				}
				return res
			}

			// Page through the red notices, two at a time, by the next links.
			var list interpolList
			getJSON(f.URL+"/notices/v1/red?resultPerPage=2", &list)
			if list.Total != 4 {
				t.Fatalf("total %d, want 4 (3 MA with consent and FR's)", list.Total)
			}
			seen := map[string]string{}
			for pages := 1; ; pages++ {
				for _, n := range list.Embedded.Notices {
					if !strings.Contains(n.EntityID, "/") || n.Name == "" || len(n.Nationalities) == 0 || n.Links.Self.Href == "" {
						t.Fatalf("list item: %+v", n)
					}
					if (n.Links.Thumbnail != nil) != (n.EntityID == published[0].EntityID) {
						t.Errorf("thumbnail of %s: %+v", n.EntityID, n.Links.Thumbnail)
					}
					seen[n.Name] = n.Links.Self.Href
				}
				if list.Links.Next == nil {
					if pages != 2 {
						t.Fatalf("%d pages for 4 notices at 2 a page", pages)
					}
					break
				}
				next := list.Links.Next.Href
				list = interpolList{}
				getJSON(next, &list)
			}
			if len(seen) != 4 || seen["SECRETNAME"] != "" || seen["KHARROUBI"] == "" {
				t.Fatalf("public red notices: %v", seen)
			}
			// The detail, by the self link: INTERPOL's fields and formats.
			var red interpolRed
			res := getJSON(seen["KHARROUBI"], &red)
			if red.EntityID != published[0].EntityID || red.DateOfBirth != "1970/05/17" || red.SexID != "M" || red.Forename != "ABDELLATIF" ||
				len(red.ArrestWarrants) != 1 || red.ArrestWarrants[0].IssuingCountryID != "MA" || red.ArrestWarrants[0].Charge != "Drug trafficking" ||
				red.ArrestWarrants[0].ChargeTranslation == nil || red.Links.Thumbnail == nil {
				t.Fatalf("detail: %+v", red)
			}
			// Cacheable: the same ETag answers 304.
			etag := res.Header.Get("ETag")
			if etag == "" {
				t.Fatal("no ETag")
			}
			if res, _ := get(seen["KHARROUBI"], "If-None-Match", etag); res.StatusCode != http.StatusNotModified {
				t.Fatalf("If-None-Match: %d", res.StatusCode)
			}
			// The images, by their links.
			var imgs interpolImages
			getJSON(red.Links.Images.Href, &imgs)
			if len(imgs.Embedded.Images) != 1 {
				t.Fatalf("images: %+v", imgs)
			}
			res, body := get(imgs.Embedded.Images[0].Links.Self.Href)
			if res.StatusCode != 200 || string(body) != string(png) || res.Header.Get("Content-Type") != "image/png" {
				t.Fatalf("image: %d", res.StatusCode)
			}
			// Named by the picture's id, not by the name the bureau uploaded it under.
			if cd := res.Header.Get("Content-Disposition"); strings.Contains(cd, "face") || !strings.Contains(cd, ".png") {
				t.Errorf("image Content-Disposition %q: want the picture's id, not the uploaded name", cd)
			}
			// Filters by name across scripts, nationality, warrant country, age, sex.
			count := func(q url.Values) int {
				var l interpolList
				getJSON(f.URL+"/notices/v1/red?"+q.Encode(), &l)
				return l.Total
			}
			if n := count(url.Values{"name": {"خروبي"}}); n != 1 {
				t.Errorf("name in Arabic script: %d", n)
			}
			if n := count(url.Values{"name": {"kharroubi"}, "forename": {"abdellatif"}}); n != 1 {
				t.Errorf("name and forename: %d", n)
			}
			if n := count(url.Values{"nationality": {"FR"}}); n != 1 {
				t.Errorf("nationality: %d", n)
			}
			if n := count(url.Values{"arrestWarrantCountryId": {"FR"}}); n != 1 {
				t.Errorf("arrest warrant country: %d", n)
			}
			if n := count(url.Values{"sexId": {"F"}}); n != 0 {
				t.Errorf("sexId: %d", n)
			}
			if n := count(url.Values{"ageMin": {"90"}}); n != 0 {
				t.Errorf("ageMin: %d", n)
			}
			if n := count(url.Values{"ageMin": {"50"}, "ageMax": {"60"}}); n != 4 {
				t.Errorf("ageMin and ageMax: %d", n)
			}
			if n := count(url.Values{"ageMax": {"20"}}); n != 0 {
				t.Errorf("ageMax: %d", n)
			}
			if n := count(url.Values{"freeText": {"trafficking"}}); n != 4 {
				t.Errorf("freeText: %d", n)
			}
			// Yellow and UN lists, and the UN detail.
			getJSON(f.URL+"/notices/v1/yellow", &list)
			if list.Total != 1 {
				t.Errorf("yellow total %d", list.Total)
			}
			getJSON(f.URL+"/notices/v1/un/persons", &list)
			if list.Total != 1 || list.Embedded.Notices[0].Name != "ABU EXAMPLE" {
				t.Fatalf("un persons: %+v", list)
			}
			var un map[string]any
			getJSON(list.Embedded.Notices[0].Links.Self.Href, &un)
			if un["un_reference"] != "QDi.999" {
				t.Errorf("un detail: %v", un)
			}
			getJSON(f.URL+"/notices/v1/un/entities", &list)
			if list.Total != 0 {
				t.Errorf("un entities: %d", list.Total)
			}
			// Not public: a notice without consent, a draft, a cancelled one.
			res, _ = get(f.URL + "/notices/v1/red/" + strings.ReplaceAll(frNotice.EntityID, "/", "-"))
			if res.StatusCode != 200 {
				t.Fatalf("FR's public notice: %d", res.StatusCode)
			}
			f.noticeDo(t, 200, "POST", "/api/v1/notices/"+frNotice.ID+"/cancel", map[string]any{"reason": "arrested"}, fr)
			if res, _ := get(f.URL + "/notices/v1/red/" + strings.ReplaceAll(frNotice.EntityID, "/", "-")); res.StatusCode != 404 {
				t.Fatalf("a cancelled notice is public: %d", res.StatusCode)
			}
			_ = draft
			for _, bad := range []string{"/notices/v1/red?page=0", "/notices/v1/red?resultPerPage=1000", "/notices/v1/red?sexId=X", "/notices/v1/red?nationality=ZZ", "/notices/v1/red?ageMin=150", "/notices/v1/red?ageMin=60&ageMax=50"} {
				if res, _ := get(f.URL + bad); res.StatusCode != 422 {
					t.Errorf("GET %s: %d, want 422", bad, res.StatusCode)
				}
			}
			for _, bad := range []string{"/notices/v1/blue/2026-00001", "/notices/v1/red/12345", "/notices/v1/red/2026-99999"} {
				if res, _ := get(f.URL + bad); res.StatusCode != 404 {
					t.Errorf("GET %s: %d, want 404", bad, res.StatusCode)
				}
			}
			// Rate-limited per address, with Retry-After.
			limited := false
			for i := 0; i < 80 && !limited; i++ {
				res, _ := get(f.URL + "/notices/v1/yellow")
				if res.StatusCode == http.StatusTooManyRequests {
					limited = true
					if ra, err := strconv.Atoi(res.Header.Get("Retry-After")); err != nil || ra < 1 || ra > 60 {
						t.Errorf("Retry-After %q", res.Header.Get("Retry-After"))
					}
				}
			}
			if !limited {
				t.Error("never rate-limited")
			}
		})
	}
}
