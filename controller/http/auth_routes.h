// The account endpoints under /api/v1 (login, logout, users, API tokens, TOTP), over an
// AuthService. Each route declares its minimum role; changing one's own password, TOTP
// or creating tokens needs an interactive session (a leaked API token cannot mint more
// credentials or lock its owner out).
//
//   POST   /login                    public   {username, password, totp?} -> {token, expiresAt,
//   user} POST   /logout                   viewer   ends the calling session GET    /users/me
//   viewer PUT    /users/me/password        viewer*  {currentPassword, newPassword} POST
//   /users/me/totp            viewer*  -> {secret, uri}  (enrolment, not yet on) POST
//   /users/me/totp/confirm    viewer*  {code}            (turns it on) DELETE /users/me/totp
//   viewer*  {code}            (turns it off) GET    /users                    admin    paginated
//   POST   /users                    admin    {username, password, role}
//   GET    /users/{name}             admin
//   PATCH  /users/{name}             admin    {role?, password?}
//   DELETE /users/{name}             admin
//   DELETE /users/{name}/totp        admin    reset a lost device
//   POST   /tokens                   viewer*  {name, role?, expiresInDays?} -> {token, ...} once
//   GET    /tokens                   viewer   own tokens; an admin's ?all=true lists everyone's
//   DELETE /tokens/{id}              viewer   own tokens; an admin any
// (* session only)
#pragma once

#include "controller/http/auth.h"
#include "controller/http/router.h"
#include "resolver/base/result.h"

namespace gitns::http {

base::Status add_auth_routes(Router& router, AuthService& auth);

}  // namespace gitns::http
