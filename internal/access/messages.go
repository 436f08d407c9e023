package access

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/stakemap/stakemap/graph"
)

// Message says what went wrong with a sign-in, account, token or share
// link, for a person, in lang (nl or en; anything else is Dutch): the
// pages show it as it is. Errors the package does not know give a
// general text, never internal details.
func Message(err error, lang string) string {
	en := lang == graph.LangEN
	pick := func(nl, english string) string {
		if en {
			return english
		}
		return nl
	}
	if te, ok := errors.AsType[*ThrottledError](err); ok {
		secs := int(te.RetryAfter.Seconds() + 0.5)
		return pick(fmt.Sprintf("Te veel mislukte pogingen: probeer het over %d seconden opnieuw.", secs),
			fmt.Sprintf("Too many failed attempts: try again in %d seconds.", secs))
	}
	if ve, ok := errors.AsType[*graph.ValidationError](err); ok {
		parts := make([]string, 0, len(ve.Problems))
		for _, p := range ve.Problems {
			if en {
				parts = append(parts, p.Field+": "+p.Reason)
			} else {
				parts = append(parts, fieldNL(p.Field)+": "+reasonNL(p.Reason))
			}
		}
		return strings.Join(parts, "; ")
	}
	switch {
	case errors.Is(err, errOIDCState):
		return pick("Deze aanmeldpoging is onbekend, al gebruikt of verlopen: begin opnieuw.", "This sign-in attempt is unknown, used or expired: start again.")
	case errors.Is(err, errOIDCRefused):
		return pick("De identiteitsprovider heeft niet bevestigd wie u bent.", "The identity provider did not confirm who you are.")
	case errors.Is(err, errOIDCUnverified):
		return pick("De identiteitsprovider heeft uw e-mailadres niet geverifieerd.", "The identity provider has not verified your e-mail address.")
	case errors.Is(err, errOIDCNoAccount):
		return pick("Er is geen stakemap-account voor uw e-mailadres: vraag een beheerder u toe te voegen.", "There is no stakemap account for your e-mail address: ask an administrator to add you.")
	case errors.Is(err, errOIDCOtherUser):
		return pick("Dit account is gekoppeld aan een andere identiteit bij de provider.", "This account is linked to another identity at the provider.")
	case errors.Is(err, ErrBadCredentials):
		return pick("Onjuist e-mailadres of wachtwoord.", "Wrong e-mail address or password.")
	case errors.Is(err, ErrUnauthenticated):
		return pick("U bent niet aangemeld.", "You are not signed in.")
	case errors.Is(err, ErrForbidden):
		return pick("Uw rol staat dit niet toe.", "Your role does not allow this.")
	case errors.Is(err, ErrGone):
		return pick("Deze link is verlopen of ingetrokken.", "This link has expired or was revoked.")
	case errors.Is(err, graph.ErrNotFound):
		return pick("Niet gevonden.", "Not found.")
	case errors.Is(err, graph.ErrConflict):
		return pick("Dat bestaat al, of is intussen gewijzigd.", "That exists already, or was changed meanwhile.")
	}
	return pick("Er ging iets mis; probeer het later opnieuw.", "Something went wrong; try again later.")
}

var fieldsNL = map[string]string{
	"email": "e-mailadres", "name": "naam", "password": "wachtwoord", "current": "huidig wachtwoord",
	"role": "rol", "lang": "taal", "workspace": "werkruimte", "expiresAt": "verloopt op", "target": "doel",
}

func fieldNL(f string) string {
	if nl, ok := fieldsNL[f]; ok {
		return nl
	}
	return f
}

// reasonsNL translates the reasons of this package's problems by their
// English start.
var reasonsNL = []struct{ en, nl string }{
	{"is one of the most common passwords", "is een van de meest gebruikte wachtwoorden: kies een ander"},
	{"must not be your e-mail address or name", "mag niet uw e-mailadres of naam zijn"},
	{"is not your current password", "is niet uw huidige wachtwoord"},
	{"must differ from your current password", "moet anders zijn dan uw huidige wachtwoord"},
	{"must be an e-mail address", "moet een e-mailadres zijn, zoals naam@voorbeeld.nl"},
	{"must be one of", "moet een van deze zijn:"},
	{"must be nl or en", "moet nl of en zijn"},
	{"is required", "is verplicht"},
	{"must not be in the past", "mag niet in het verleden liggen"},
	{"must be at most", "mag hoogstens zoveel dagen vooruit liggen:"},
	{"must be a date", "moet een datum JJJJ-MM-DD zijn"},
	{"you cannot", "dat kunt u niet bij uw eigen account: vraag een andere beheerder"},
}

// Reason words one problem's reason in the person's language ("nl" or
// "en"), for pages that show it next to its field.
func Reason(reason, lang string) string {
	if lang == "en" {
		return reason
	}
	return reasonNL(reason)
}

// characters words a length rule: "must have at least 8 characters".
var characters = regexp.MustCompile(`^must have at (least|most) (\d+) characters$`)

func reasonNL(r string) string {
	if m := characters.FindStringSubmatch(r); m != nil {
		if m[1] == "least" {
			return "moet minstens " + m[2] + " tekens hebben"
		}
		return "mag hoogstens " + m[2] + " tekens hebben"
	}
	for _, t := range reasonsNL {
		if rest, ok := strings.CutPrefix(r, t.en); ok {
			if strings.HasSuffix(t.nl, ":") {
				return t.nl + rest
			}
			return t.nl
		}
	}
	return r
}
