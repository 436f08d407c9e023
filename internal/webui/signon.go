package webui

import (
	"net/http"

	"github.com/stakemap/stakemap/internal/access"
)

// signOnFailed shows why single sign-on failed on the sign-in page, in
// the person's language, where they can try again or use a password.
func (s *Server) signOnFailed(w http.ResponseWriter, r *http.Request, status int, err error) {
	v := s.newView(r, access.Principal{}, nil)
	if status == http.StatusInternalServerError {
		s.log.Error("webui: single sign-on failed", "err", err)
	}
	f := newForm()
	f.Error = v.T("login.ssofail", access.Message(err, v.lang))
	s.showLogin(w, r, v, f, status)
}
