package main

import (
	"context"
	"net/http"

	"github.com/stakemap/stakemap/internal/access"
)

// localSignIn serves the pages under --no-auth: everyone is a global admin
// of a service that only the loopback interface reaches, as the API does
// then.
type localSignIn struct{}

func (localSignIn) Authenticate(*http.Request) (access.Principal, error) {
	return access.Principal{Via: access.ViaLocal, Global: access.RoleAdmin}, nil
}

func (localSignIn) SignIn(context.Context, string, string, string) (*http.Cookie, access.Principal, error) {
	return &http.Cookie{Name: "stakemap_local", Value: "1", Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode},
		access.Principal{Via: access.ViaLocal, Global: access.RoleAdmin}, nil
}

func (localSignIn) SignOut(context.Context, *http.Request) (*http.Cookie, error) { return nil, nil }
