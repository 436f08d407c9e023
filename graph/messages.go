package graph

import (
	"fmt"
	"slices"
	"strings"
)

// Describe returns the advice of a finding for an L&D user in lang (nl or
// en; anything else is treated as nl, the default workspace language): what
// is wrong and what to do about it. name turns an id into the name to show
// (nil shows ids). It lives here, not in a backend, so that every backend
// words its findings the same way.
func Describe(f Finding, lang string, name func(id string) string) string {
	return DescribeWithRoles(f, lang, name, nil)
}

// DescribeWithRoles is Describe with the roles people hold: roles(t, s)
// lists the roles of stakeholder s on trajectory t, so that opposed-owner
// can say who is sponsor and who is owner (nil: it says "sponsor or
// owner").
func DescribeWithRoles(f Finding, lang string, name func(id string) string, roles func(trajectory, stakeholder string) []string) string {
	if name == nil {
		name = func(id string) string { return id }
	}
	show := func(id string) string {
		if n := strings.TrimSpace(name(id)); n != "" {
			return n
		}
		return id
	}
	en := lang == LangEN
	subject := show(f.Subject)
	and := "en"
	if en {
		and = "and"
	}
	list := func(ids []string) string {
		names := make([]string, len(ids))
		for i, id := range ids {
			names[i] = show(id)
		}
		return joinList(names, and)
	}
	pick := func(nl, english string, args ...any) string {
		if en {
			return fmt.Sprintf(english, args...)
		}
		return fmt.Sprintf(nl, args...)
	}

	switch f.Code {
	case CodeMissingSponsor:
		return pick("Traject %s heeft geen sponsor: vraag een bestuurder of directielid het traject te dragen en er zichtbaar achter te staan.",
			"Trajectory %s has no sponsor: ask a board member or executive to back it visibly.", subject)
	case CodeMissingOwner:
		return pick("Traject %s heeft geen eigenaar: spreek af welke manager het traject vertaalt naar het dagelijks werk en erop stuurt.",
			"Trajectory %s has no owner: agree which manager translates it into daily work and steers it.", subject)
	case CodeMissingLearnerVoice:
		return pick("Bij traject %s ontbreekt de stem van de lerenden: betrek deelnemers bij het ontwerp, de uitvoering en de evaluatie.",
			"Trajectory %s lacks the learners' voice: involve participants in its design, delivery and evaluation.", subject)
	case CodeSponsorWithoutMandate:
		return pick("Traject %s heeft geen sponsor op directieniveau: vraag een directielid het traject te dragen.",
			"Trajectory %s has no sponsor at board or executive level: ask an executive to back it.", subject)
	case CodeSingleOwner:
		who := list(f.Related)
		return pick("Traject %s rust op één persoon: %s is sponsor én eigenaar. Verdeel het eigenaarschap: richting vanuit de directie, vertaling door managers, reflectie door lerenden.",
			"Trajectory %s rests on one person: %s is both sponsor and owner. Share the ownership: direction from executives, translation by managers, reflection by learners.", subject, who)
	case CodeOpposedOwner:
		// Name each person with the role that makes their opposition
		// matter: "Jan (sponsor) en Piet (eigenaar)".
		held := make([]string, len(f.Related))
		for i, id := range f.Related {
			var rs []string
			if roles != nil {
				rs = roles(f.Subject, id)
			}
			var words []string
			for _, r := range []string{"sponsor", "owner"} {
				if roles == nil || slices.Contains(rs, r) {
					words = append(words, roleWord(r, en))
				}
			}
			join := " of "
			if en {
				join = " or "
			}
			if roles != nil {
				join = " " + and + " "
			}
			held[i] = show(id) + " (" + strings.Join(words, join) + ")"
		}
		who := joinList(held, and)
		if len(f.Related) > 1 {
			return pick("Bij traject %s staan %s kritisch of afwijzend tegenover het traject: bespreek de bezwaren of zoek andere dragers.",
				"On trajectory %s, %s are critical of or opposed to it: talk through the objections or find other backers.", subject, who)
		}
		return pick("Bij traject %s staat %s kritisch of afwijzend tegenover het traject: bespreek de bezwaren of zoek een andere drager.",
			"On trajectory %s, %s is critical of or opposed to it: talk through the objections or find another backer.", subject, who)
	case CodeWeakSponsor:
		return pick("De sponsors van traject %s hebben weinig invloed: zoek steun bij iemand met meer invloed op dit traject.",
			"The sponsors of trajectory %s have little influence: win the backing of someone with more influence on it.", subject)
	case CodeUnengagedKeyStakeholder:
		return pick("%s heeft veel invloed maar geen recent contact met L&D gehad: plan een gesprek over wat de leertrajecten opleveren.",
			"%s has high influence but no recent contact with L&D: plan a conversation about what the learning trajectories deliver.", subject)
	case CodeContactDue:
		return pick("Het afgesproken contact met %s is aan de beurt: plan een gesprek, zodat L&D in het ritme blijft dat jullie afspraken.",
			"Contact with %s is due: plan a conversation to keep the rhythm L&D agreed on.", subject)
	case CodeAttitudeUnknown:
		return pick("De houding van sleutelfiguur %s is onbekend: peil hoe %s tegenover de leertrajecten staat en leg dat vast.",
			"The attitude of key stakeholder %s is unknown: find out where %s stands on the learning trajectories and record it.", subject, subject)
	case CodeResultsNotShared:
		return pick("De resultaten van het afgeronde traject %s zijn niet gedeeld: laat sponsors en belanghebbenden zien wat het heeft opgeleverd.",
			"The results of completed trajectory %s have not been shared: show sponsors and stakeholders what it achieved.", subject)
	case CodeGoalWithoutTrajectory:
		return pick("Strategisch doel %s wordt door geen actief traject ondersteund: bespreek met de directie of en hoe L&D hieraan bijdraagt.",
			"Strategic goal %s is supported by no active trajectory: discuss with the executives whether and how L&D should contribute.", subject)
	case CodeInvisibleUnit:
		// The subject is a unit name, not an id.
		return pick("Afdeling %s heeft geen recent contact met L&D gehad: zoek contact met iemand van deze afdeling.",
			"Unit %s has had no recent contact with L&D: reach out to someone in this unit.", f.Subject)
	case CodeNoStrategicGoal:
		return pick("Traject %s ondersteunt geen strategisch doel: koppel het aan een doel van de organisatie of heroverweeg het.",
			"Trajectory %s supports no strategic goal: link it to an organisational goal or reconsider it.", subject)
	case CodeNoImpactMeasure:
		return pick("Bij traject %s is niet vastgelegd hoe het effect op gedrag of prestaties wordt gemeten: spreek een maatstaf af met sponsor en eigenaar.",
			"Trajectory %s does not say how its impact on behaviour or performance is measured: agree a measure with sponsor and owner.", subject)
	case CodeReviewOverdue:
		return pick("De evaluatie van traject %s is over datum: plan de review met sponsor en eigenaar.",
			"The review of trajectory %s is overdue: schedule it with sponsor and owner.", subject)
	case CodeBlocked:
		what := list(f.Related)
		return pick("Traject %s wacht op %s: maak afspraken met de eigenaren daarvan of pas de planning aan.",
			"Trajectory %s is waiting for %s: agree a plan with their owners or adjust the schedule.", subject, what)
	case CodeDependencyCycle:
		names := make([]string, 0, len(f.Related)+1)
		for _, id := range f.Related {
			names = append(names, show(id))
		}
		if len(f.Related) > 0 {
			names = append(names, show(f.Related[0]))
		}
		return pick("Deze trajecten hangen in een kring van elkaar af (%s): schrap of herzie een van de afhankelijkheden.",
			"These trajectories depend on each other in a circle (%s): drop or revise one of the dependencies.", strings.Join(names, " → "))
	}
	return pick("%s: %s", "%s: %s", f.Code, subject)
}

// joinList joins names as a sentence does: "a, b and c".
func joinList(names []string, and string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " " + and + " " + names[len(names)-1]
}

// roleWord is the word for an ownership role (sponsor or owner) in a
// message.
func roleWord(role string, en bool) string {
	if role == "owner" && !en {
		return "eigenaar"
	}
	return role
}
