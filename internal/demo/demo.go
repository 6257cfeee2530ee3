// Package demo generates Manara's demo data: bureaus' users and national
// records for a handful of countries, deterministically from a seed, so
// every demo and every test that uses it sees the same world. It goes
// through the same services as real users, so demo data is validated and
// audited like any other.
package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/manara-hub/manara/internal/auth"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/i18n"
	"github.com/manara-hub/manara/internal/members"
	"github.com/manara-hub/manara/internal/records"
)

// Password is every demo user's password. Demo only.
const Password = "manara-demo-2026"

// Countries are the bureaus the demo populates.
var Countries = []string{"MA", "FR", "ES", "NG", "SA", "BR", "IN", "RU", "CN", "US"}

// Login is one printed demo login.
type Login struct {
	Username, Role, Bureau string
}

// Options tune the generator.
type Options struct {
	Seed             uint64
	RecordsPerBureau int
	// Progress, if set, is told of each step.
	Progress func(done, total int)
	// Countries are the bureaus to populate (default: Countries).
	Countries []string
	// NoticesPerBureau notices and diffusions are requested by each
	// bureau, of every type in turn, and reviewed; with any, the
	// INTERPOL–UN Special Notices of the demo are added.
	NoticesPerBureau int
	// Assembly holds the 93rd session of the General Assembly (needs the
	// default Countries).
	Assembly bool
}

// Defaults are the demo's options.
var Defaults = Options{Seed: 20251124, RecordsPerBureau: 40, NoticesPerBureau: 30, Assembly: true}

// Empty reports whether the store has no users yet.
func Empty(ctx context.Context, st core.Store) (bool, error) {
	empty := true
	err := st.View(ctx, func(tx core.Tx) error {
		us, err := tx.ListUsers("")
		empty = len(us) == 0
		return err
	})
	return empty, err
}

// Load creates the demo users and records and returns the logins.
func Load(ctx context.Context, st core.Store, a *auth.Service, rs *records.Service, o Options) ([]Login, error) {
	sys := core.Viewer{System: true, Remote: "demo"}
	rng := rand.New(rand.NewPCG(o.Seed, o.Seed^0x9e3779b97f4a7c15))
	var logins []Login
	add := func(username, bureau, role string) (*core.User, error) {
		u, err := a.CreateUser(ctx, sys, auth.NewUser{Username: username, DisplayName: displayName(bureau, role), Bureau: bureau, Role: role,
			Lang: langFor(bureau), Password: Password})
		if err != nil {
			return nil, fmt.Errorf("demo user %s: %w", username, err)
		}
		logins = append(logins, Login{username, role, bureau})
		return u, nil
	}
	countries := o.Countries
	if len(countries) == 0 {
		countries = Countries
	}
	total := 2 + len(countries)*(4+o.RecordsPerBureau+o.NoticesPerBureau)
	done := 0
	step := func() {
		done++
		if o.Progress != nil {
			o.Progress(done, total)
		}
	}
	var reviewer, secretariat core.Viewer
	for _, u := range [][2]string{{"ipsg.reviewer", core.RoleReviewer}, {"ipsg.admin", core.RoleAdmin}} {
		user, err := add(u[0], members.Secretariat, u[1])
		if err != nil {
			return nil, err
		}
		v := core.Viewer{UserID: user.ID, Bureau: members.Secretariat, Role: u[1], Permissions: core.RolePermissions(u[1]), Remote: "demo"}
		if u[1] == core.RoleReviewer {
			reviewer = v
		} else {
			secretariat = v
		}
		step()
	}
	officers, supervisors := map[string]core.Viewer{}, map[string]core.Viewer{}
	for _, c := range countries {
		prefix := strings.ToLower(c)
		var officer *core.User
		for _, role := range []string{core.RoleOfficer, core.RoleSupervisor, core.RoleAnalyst, core.RoleAdmin} {
			u, err := add(prefix+"."+role, c, role)
			if err != nil {
				return nil, err
			}
			if role == core.RoleOfficer {
				officer = u
			}
			if role == core.RoleSupervisor {
				supervisors[c] = core.Viewer{UserID: u.ID, Bureau: c, Role: role, Permissions: core.RolePermissions(role), Remote: "demo"}
			}
			step()
		}
		v := core.Viewer{UserID: officer.ID, Bureau: c, Role: core.RoleOfficer, Permissions: core.RolePermissions(core.RoleOfficer), Remote: "demo"}
		officers[c] = v
		for i := 0; i < o.RecordsPerBureau; i++ {
			in := genRecord(rng, c, i)
			if _, err := rs.Create(ctx, v, in); err != nil {
				return nil, fmt.Errorf("demo record %s/%d: %w", c, i, err)
			}
			step()
		}
	}
	if o.NoticesPerBureau > 0 {
		if err := loadNotices(ctx, st, rs, rng, countries, o.NoticesPerBureau, officers, reviewer, step); err != nil {
			return nil, err
		}
	}
	if o.Assembly {
		if err := loadAssembly(ctx, st, supervisors, secretariat); err != nil {
			return nil, fmt.Errorf("demo assembly: %w", err)
		}
	}
	return logins, nil
}

// displayName names a demo user in its bureau's language: its role and
// its bureau ("ضابط · المكتب المركزي الوطني - المغرب", "Officier · BCN
// France"), as the console shows it beside the bureau's code.
func displayName(bureau, role string) string {
	l := langFor(bureau)
	name := bureau
	if b, ok := members.BureauFor(bureau); ok {
		name = b.Name(l)
	}
	if cs, err := i18n.Shared(); err == nil {
		if r, ok := cs[l].Text("role." + role); ok {
			role = r
		}
	}
	// The catalogs write roles in lower case, as inside a sentence; as
	// a name, it starts with a capital (where the script has them).
	first, size := utf8.DecodeRuneInString(role)
	return string(unicode.ToUpper(first)) + role[size:] + " · " + name
}

func langFor(bureau string) string {
	switch bureau {
	case "MA", "SA":
		return "ar"
	case "FR":
		return "fr"
	case "ES":
		return "es"
	}
	return "en"
}

// name pools: original script and Latin form, per country.
type person struct{ original, given, family, sex string }

var people = map[string][]person{
	"MA": {{"عبد اللطيف خروبي", "Abdellatif", "Kharroubi", "M"}, {"يوسف العلوي", "Youssef", "El Alaoui", "M"}, {"فاطمة الزهراء بنعلي", "Fatima Zahra", "Benali", "F"}, {"محمد أمين التازي", "Mohamed Amine", "Tazi", "M"}, {"نور الدين الإدريسي", "Noureddine", "El Idrissi", "M"}, {"خديجة الشرقاوي", "Khadija", "Cherkaoui", "F"}},
	"SA": {{"عبد الله بن سعود القحطاني", "Abdullah", "Al-Qahtani", "M"}, {"فهد الدوسري", "Fahd", "Al-Dosari", "M"}, {"نورة العتيبي", "Noura", "Al-Otaibi", "F"}, {"خالد الغامدي", "Khalid", "Al-Ghamdi", "M"}, {"سلطان الشهري", "Sultan", "Al-Shahri", "M"}},
	"FR": {{"", "Jean-Baptiste", "Lefèvre", "M"}, {"", "Amélie", "Durand", "F"}, {"", "Karim", "Benzarti", "M"}, {"", "Sophie", "Moreau", "F"}, {"", "Étienne", "Giraud", "M"}},
	"ES": {{"", "José María", "García López", "M"}, {"", "Lucía", "Fernández", "F"}, {"", "Javier", "Muñoz", "M"}, {"", "Carmen", "Ruiz Sánchez", "F"}},
	"NG": {{"", "Chukwuemeka", "Okafor", "M"}, {"", "Aisha", "Bello", "F"}, {"", "Oluwaseun", "Adeyemi", "M"}, {"", "Ibrahim", "Musa", "M"}},
	"BR": {{"", "João", "Silva Santos", "M"}, {"", "Ana Paula", "Oliveira", "F"}, {"", "Luiz Carlos", "Pereira", "M"}, {"", "Mariana", "Costa", "F"}},
	"IN": {{"", "Rajesh", "Kumar", "M"}, {"", "Priya", "Sharma", "F"}, {"", "Mohammed", "Iqbal", "M"}, {"", "Anil", "Reddy", "M"}},
	"RU": {{"Дмитрий Иванов", "Dmitry", "Ivanov", "M"}, {"Ольга Смирнова", "Olga", "Smirnova", "F"}, {"Алексей Кузнецов", "Aleksey", "Kuznetsov", "M"}, {"Сергей Попов", "Sergey", "Popov", "M"}},
	"CN": {{"王伟", "Wei", "Wang", "M"}, {"李秀兰", "Xiulan", "Li", "F"}, {"张敏", "Min", "Zhang", "F"}, {"刘洋", "Yang", "Liu", "M"}},
	"US": {{"", "Dwayne", "Holloway", "M"}, {"", "Jennifer", "Williams", "F"}, {"", "Robert", "Brown", "M"}, {"", "Maria", "Garcia", "F"}},
}

func genRecord(rng *rand.Rand, c string, i int) records.Input {
	in := records.Input{Releasability: genRelease(rng, c)}
	if rng.IntN(5) == 0 {
		in.Caveats = []string{core.CaveatContactOwnerBeforeAction}
	}
	var data map[string]any
	switch i % 5 {
	case 0, 1:
		p := people[c][rng.IntN(len(people[c]))]
		in.Kind = core.KindPerson
		data = map[string]any{"family_name": p.family, "given_names": p.given,
			"sex": p.sex, "date_of_birth": fmt.Sprintf("%d-%02d-%02d", 1960+rng.IntN(45), 1+rng.IntN(12), 1+rng.IntN(28)),
			"nationalities": []string{c}}
		if p.original != "" {
			data["name_original"] = p.original
		}
		if rng.IntN(3) == 0 {
			in.Caveats = append(in.Caveats, core.CaveatDangerous)
		}
	case 2:
		in.Kind = core.KindTravelDocument
		data = map[string]any{"number": fmt.Sprintf("%c%c%07d", 'A'+rune(rng.IntN(26)), 'A'+rune(rng.IntN(26)), rng.IntN(10_000_000)),
			"issuing_country": c, "document_type": "passport", "reason": []string{"stolen", "lost", "revoked", "M"}[rng.IntN(3)]}
	case 3:
		in.Kind = core.KindVehicle
		data = map[string]any{"vin": vin(rng), "make": []string{"Toyota", "Renault", "Mercedes-Benz", "Hyundai", "Peugeot"}[rng.IntN(5)],
			"registration_country": c, "reason": "stolen"}
	case 4:
		if rng.IntN(2) == 0 {
			in.Kind = core.KindAsset
			data = map[string]any{"asset_type": []string{"account", "property", "crypto", "vessel"}[rng.IntN(4)],
				"description": "asset linked to an investigation", "jurisdiction": c}
		} else {
			in.Kind = core.KindCyberIndicator
			data = map[string]any{"type": "domain", "value": fmt.Sprintf("secure-%s-bank%d.example", strings.ToLower(c), rng.IntN(1000)),
				"campaign": "phishing"}
		}
	}
	in.Data, _ = json.Marshal(data)
	return in
}

// genRelease mixes releasability so the demo shows restricted records.
func genRelease(rng *rand.Rand, owner string) *core.Releasability {
	others := make([]string, 0, len(Countries))
	for _, c := range Countries {
		if c != owner {
			others = append(others, c)
		}
	}
	pick := func() []string {
		n := 1 + rng.IntN(3)
		rng.Shuffle(len(others), func(i, j int) { others[i], others[j] = others[j], others[i] })
		out := append([]string(nil), others[:n]...)
		return out
	}
	switch r := rng.IntN(10); {
	case r < 6:
		return &core.Releasability{Mode: core.ReleaseAll}
	case r < 8:
		return &core.Releasability{Mode: core.ReleaseOnly, Countries: pick()}
	default:
		return &core.Releasability{Mode: core.ReleaseExcept, Countries: pick()}
	}
}

func vin(rng *rand.Rand) string {
	const chars = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
	b := make([]byte, 17)
	for i := range b {
		b[i] = chars[rng.IntN(len(chars))]
	}
	return string(b)
}
