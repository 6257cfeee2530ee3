package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/manara-hub/manara/internal/accreditation"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/members"
	"github.com/manara-hub/manara/internal/notices"
)

// AccreditationWanted is the demo participant a notice published during
// the session concerns (invented, like everyone here).
const AccreditationWanted = "Yassine Aït-Lhoussaine"

// accreditationPeople are the Marrakech session's accreditation list:
// invented people. Category, name, other spelling, date of birth, sex,
// nationality, passport number.
var accreditationPeople = [][7]string{
	{"delegate", "Hamid Boukhalfa-Serrano", "حميد بوخلفة", "1969-02-14", "M", "MA", "MA1190345"},
	{"delegate", "Inès Vautrin-Malo", "", "1975-06-03", "F", "FR", "19FV88321"},
	{"delegate", "Tomás Arregui Benavent", "", "1971-10-22", "M", "ES", "PAA771203"},
	{"delegate", "Chidinma Okafor-Bello", "", "1980-01-30", "F", "NG", "A09917754"},
	{"delegate", "Faisal Al-Qahtiri", "فيصل القحطيري", "1966-08-11", "M", "SA", "R44110982"},
	{"delegate", "Renata Quintella Aboim", "", "1978-04-18", "F", "BR", "GB5520981"},
	{"delegate", "Arvind Kesavaraju", "", "1972-12-05", "M", "IN", "Z6612087"},
	{"delegate", "Dmitri Zavolokin", "Дмитрий Заволокин", "1970-07-27", "M", "RU", "752200418"},
	{"delegate", "Lin Haoqiang", "林浩强", "1976-03-09", "M", "CN", "E88120334"},
	{"delegate", "Maren Holloway-Price", "", "1983-09-16", "F", "US", "561200873"},
	{"delegate", "Kalinda Mwangaza", "", "1979-11-02", "F", "KE", "AK0981234"},
	{"delegate", "Sveinung Aarvoll", "", "1968-05-25", "M", "NO", "FH1298765"},
	{"delegate", "Meseret Alemayehu Tola", "", "1981-02-08", "F", "ET", "EP4471290"},
	{"delegate", "Oumar Sidibé Kanouté", "", "1974-08-19", "M", "ML", "B01877221"},
	{"delegate", "Jelena Vukadinović", "Јелена Вукадиновић", "1977-12-12", "F", "RS", "009812773"},
	{"delegate", "Mariusz Krzewiński", "", "1973-03-03", "M", "PL", "EK7788120"},
	{"staff", "Salma Ouazzani-Tahiri", "سلمى الوزاني", "1990-04-21", "F", "MA", "MA7712094"},
	{"staff", "Karim Lamrani-Sbai", "", "1987-01-14", "M", "MA", "MA5590127"},
	{"staff", "Nadia Bensalem-Orre", "", "1992-06-30", "F", "MA", "MA3318802"},
	{"staff", "Othmane Idrissi-Fadel", "عثمان الإدريسي", "1985-10-10", "M", "MA", "MA8810455"},
	{"staff", "Léa Marchetti-Roux", "", "1994-02-02", "F", "FR", "21LM04412"},
	{"interpreter", "Amal Haddouchi-Reyes", "أمل حدوشي", "1982-09-09", "F", "MA", "MA2290871"},
	{"interpreter", "Pierre-Yves Lancelin", "", "1979-07-07", "M", "FR", "18PL99120"},
	{"interpreter", "Sofía Larrañaga Cueto", "", "1988-11-11", "F", "ES", "PAB119022"},
	{"journalist", "Hicham Tazarine", "هشام تازارين", "1984-03-17", "M", "MA", "MA6617203"},
	{"journalist", "Camille Dufrénoy", "", "1991-05-05", "F", "FR", "20CD55102"},
	{"journalist", "Obinna Eze-Adewale", "", "1986-08-28", "M", "NG", "A11223098"},
	{"journalist", "Yulia Berezhnaya-Koss", "Юлия Бережная", "1989-12-01", "F", "UA", "FK3310982"},
	{"journalist", "Rafael Mendonça Leite", "", "1983-06-14", "M", "BR", "GC7710023"},
	{"contractor", "Abdelkrim Zeroualdi", "عبد الكريم زروالدي", "1977-04-04", "M", "MA", "MA4456091"},
	{"contractor", "Youssef Chraïbi-Nadir", "", "1993-09-23", "M", "MA", "MA9981302"},
	{"contractor", "Brahim Oukessou", "", "1980-02-26", "M", "MA", "MA1234987"},
	{"contractor", "Meryem Alaoui-Benchekroun", "مريم العلوي", "1995-01-19", "F", "MA", "MA7612340"},
	{"contractor", AccreditationWanted, "ياسين آيت لحسين", "1988-07-12", "M", "MA", "MA5098213"},
	{"contractor", "Rachida El Ouafi-Morin", "", "1990-10-15", "F", "FR", "19RE77123"},
	{"security", "Mustapha Gharbaoui", "مصطفى الغرباوي", "1976-11-29", "M", "MA", "MA2210934"},
	{"security", "Ayoub Benjelloun-Atti", "", "1989-05-08", "M", "MA", "MA6654123"},
	{"security", "Zineb Kettani-Draoui", "", "1991-03-13", "F", "MA", "MA8871240"},
	{"guest", "Greta Solvang-Ibsen", "", "1970-06-06", "F", "SE", "91234870"},
	{"guest", "Henrik Dahlqvist-Moe", "", "1967-09-30", "M", "DK", "209871234"},
	{"guest", "Tiago Freixo Amaral", "", "1985-12-24", "M", "PT", "CB0987123"},
	{"guest", "Elif Karadağ-Soylu", "", "1987-04-27", "F", "TR", "U09812345"},
}

// AccreditationDuring is when the demo's notice is published: the second
// day of the session, after the list was screened.
var AccreditationDuring = time.Date(2025, 11, 25, 10, 30, 0, 0, time.UTC)

// LoadAccreditation gives the Marrakech session (gathering gid, hosted by
// Morocco) its accreditation list, screened on import; then, during the
// session, Spain publishes a Red Notice about a contractor already
// accredited and continuous screening alerts Morocco's security unit.
// The screening index must follow the store (the notice must reach it).
// It returns the alerted participant.
func LoadAccreditation(ctx context.Context, svc *accreditation.Service, ns *notices.Service, gid string) (*core.Attendee, error) {
	viewer := func(bureau, role string) core.Viewer {
		return core.Viewer{Bureau: bureau, UserID: "demo-" + strings.ToLower(bureau) + "-" + role, Role: role, Permissions: core.RolePermissions(role), Remote: "demo"}
	}
	host, owner, reviewer := viewer("MA", core.RoleOfficer), viewer("ES", core.RoleOfficer), viewer(members.Secretariat, core.RoleReviewer)
	var list accreditation.ListInput
	for i, p := range accreditationPeople {
		in := accreditation.AttendeeInput{Ref: fmt.Sprintf("GA93-%03d", i+1), Category: p[0], Name: p[1], DateOfBirth: p[3], Sex: p[4],
			Nationalities: []string{p[5]}, Documents: []accreditation.DocumentInput{{Number: p[6], Country: p[5], Type: "passport"}}}
		if p[2] != "" {
			in.OtherNames = []string{p[2]}
		}
		list.Participants = append(list.Participants, in)
	}
	if _, err := svc.ImportJSON(ctx, host, gid, list); err != nil {
		return nil, fmt.Errorf("demo accreditation list: %w", err)
	}
	// The session is over by the clock: continuous screening runs as it
	// did during it.
	saved := svc.Now
	defer func() { svc.Now = saved }()
	svc.Now = func() time.Time { return AccreditationDuring }
	for more := true; more; {
		var err error
		if _, more, err = svc.CheckChanges(ctx); err != nil {
			return nil, err
		}
	}
	data, _ := json.Marshal(map[string]any{"given_names": "Yassine", "family_name": "Aït-Lhoussaine", "name_original": "ياسين آيت لحسين", "sex": "M",
		"date_of_birth": "1988-07-12", "nationalities": []string{"MA"}, "description": "slim build, short dark hair",
		"purpose": "prosecution", "charges": []map[string]any{{"offence": "Armed robbery", "translation": "Robo con violencia", "law": "Código Penal, art. 242", "max_penalty_years": 12}},
		"warrant":               map[string]any{"kind": "arrest_warrant", "reference": "AW-2025-0931", "date": "2025-10-02", "authority": "Juzgado de Instrucción", "country": "ES"},
		"extradition_countries": []string{"MA"}})
	n, err := ns.Create(ctx, owner, notices.Input{Type: notices.TypeRed, Releasability: &core.Releasability{Mode: core.ReleaseAll}, Data: data})
	if err != nil {
		return nil, fmt.Errorf("demo notice: %w", err)
	}
	if _, err := ns.Submit(ctx, owner, n.Notice.ID, 0); err != nil {
		return nil, err
	}
	if _, err := ns.Decide(ctx, reviewer, n.Notice.ID, notices.Decision{Decision: "publish"}); err != nil {
		return nil, err
	}
	for more := true; more; {
		if _, more, err = svc.CheckChanges(ctx); err != nil {
			return nil, err
		}
	}
	q, err := svc.List(ctx, host, gid, accreditation.ListFilter{Status: core.AttendeeHit, Limit: 500})
	if err != nil {
		return nil, err
	}
	for _, a := range q.Items {
		if a.Name == AccreditationWanted && a.Alerts > 0 {
			return a, nil
		}
	}
	return nil, fmt.Errorf("demo accreditation: the notice about %s brought no alert", AccreditationWanted)
}
