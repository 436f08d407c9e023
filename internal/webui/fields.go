package webui

import (
	"slices"
	"strings"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/internal/access"
)

// fieldView is one labelled form field for the "field" and "select"
// templates: label, hint and problem tied to the input by id, so that a
// screen reader reads them with it.
type fieldView struct {
	ID, Name, Label, Type, Hint, List, Mode, Value, Problem, Note string
	Required, Multiline                                           bool
	Options                                                       []option
}

type option struct {
	Value, Label string
	Selected     bool
}

// Field describes a text input of a form. opts are "req", "long",
// "type=number", "hint=KEY" (or "hinttext=" a text already in the
// person's language), "list=ID" and "mode=decimal".
func (v *view) Field(formName, name, label string, opts ...string) fieldView {
	f := v.Form(formName)
	fv := fieldView{ID: formName + "-" + name, Name: name, Label: v.T(label), Type: "text", Value: f.V(name), Problem: f.E(name), Note: f.N(name)}
	for _, o := range opts {
		k, val, _ := strings.Cut(o, "=")
		switch k {
		case "req":
			fv.Required = true
		case "long":
			fv.Multiline = true
		case "type":
			fv.Type = val
		case "hint":
			fv.Hint = v.T(val)
		case "hinttext":
			fv.Hint = val
		case "list":
			fv.List = val
		case "mode":
			fv.Mode = val
		}
	}
	return fv
}

// enumValues lists the allowed values of each enumerated field.
var enumValues = map[string][]string{
	"kind": graph.StakeholderKinds, "level": graph.Levels, "attitude": graph.Attitudes,
	"status": graph.TrajectoryStatus, "channel": graph.Channels, "role": graph.Roles,
	"language": graph.Languages, "quadrant": graph.Quadrants,
	"mode":       {graph.ModeStrongest, graph.ModeShortest},
	"map":        {"stakeholders", "grid", "dependencies"},
	"scale":      {"1", "2", "3", "4", "5"},
	"accessrole": access.Roles,
}

// Select describes a drop-down of an enumerated field, its values shown in
// the person's language. opts: "req", "blank" (an empty first choice),
// "enum=NAME" when the enum is not named like the field, "upto=VALUE" to
// offer the values only up to VALUE (in the enum's order).
func (v *view) Select(formName, name, label string, opts ...string) fieldView {
	fv := v.Field(formName, name, label, opts...)
	enum, blank, upto := name, false, ""
	for _, o := range opts {
		k, val, _ := strings.Cut(o, "=")
		switch k {
		case "enum":
			enum = val
		case "blank":
			blank = true
		case "upto":
			upto = val
		}
	}
	if blank {
		fv.Options = append(fv.Options, option{Value: "", Label: "—", Selected: fv.Value == ""})
	}
	values := enumValues[enum]
	if i := slices.Index(values, upto); i >= 0 {
		values = values[:i+1]
	}
	for _, val := range values {
		label := v.Enum(enum, val)
		if enum == "scale" {
			label = val
		}
		fv.Options = append(fv.Options, option{Value: val, Label: label, Selected: fv.Value == val})
	}
	return fv
}

// Alert is the message at the top of a refused form, or "".
func (v *view) Alert(formName string) string {
	f := v.Form(formName)
	switch {
	case f.Error != "":
		return f.Error
	case len(f.Errors) > 0 && lookupForms[formName]:
		return v.T("form.lookup")
	case len(f.Errors) > 0 && formName == "import":
		// A refused file is not a form to correct: say nothing was
		// written, and where the problems are.
		return v.T("form.import")
	case len(f.Errors) > 0:
		return v.T("form.problems")
	}
	return ""
}

// lookupForms only choose what a page shows: nothing is saved by them.
var lookupForms = map[string]bool{"history": true, "compare": true, "path": true}

// box pairs the view with a form name, for the "alert" template.
type box struct {
	V *view
	N string
}

// Box returns the view and a form's name, for the "alert" template.
func (v *view) Box(name string) box { return box{v, name} }

// EnumValues lists the allowed values of an enumerated field.
func (v *view) EnumValues(enum string) []string { return enumValues[enum] }

// ImportModes lists the choices of the import form.
func (v *view) ImportModes() []string { return importModes }
