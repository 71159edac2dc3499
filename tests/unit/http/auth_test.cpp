#include "controller/http/auth.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>

#include "controller/http/password.h"
#include "controller/http/rate_limiter.h"
#include "controller/http/user_store.h"
#include "resolver/crypto/base32.h"
#include "resolver/crypto/otp.h"
#include "tests/unit/http/test_util.h"

namespace gitns::http {
namespace {

using test::FakeClock;
using test::TempDir;

TEST(Password, HashRoundTripAndFormat) {
  auto h = hash_password("correct horse battery staple", 1000);
  ASSERT_TRUE(h.ok());
  EXPECT_TRUE(h->starts_with("$pbkdf2-sha256$1000$"));
  EXPECT_EQ(password_hash_iterations(*h), 1000u);
  EXPECT_TRUE(*verify_password("correct horse battery staple", *h));
  EXPECT_FALSE(*verify_password("correct horse battery stapl", *h));
  EXPECT_FALSE(*verify_password("", *h));
  // Salted: the same password hashes differently each time.
  EXPECT_NE(*h, *hash_password("correct horse battery staple", 1000));
  EXPECT_FALSE(hash_password("x", 0).ok());
}

TEST(Password, DefaultIterationsAreHigh) {
  EXPECT_GE(kDefaultPbkdf2Iterations, 200000u);
  auto h = hash_password("pw", kDefaultPbkdf2Iterations);
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(password_hash_iterations(*h), kDefaultPbkdf2Iterations);
  EXPECT_TRUE(*verify_password("pw", *h));
}

TEST(Password, RejectsForeignOrDamagedHashes) {
  for (const char* bad :
       {"", "plaintext", "$pbkdf2-sha1$1000$c2FsdA==$aGFzaA==",
        "$pbkdf2-sha256$0$c2FsdA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
        "$pbkdf2-sha256$1000$c2FsdA==$c2hvcnQ=",  // hash too short
        "$pbkdf2-sha256$99999999999$c2FsdA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
        "$pbkdf2-sha256$1000$!!$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}) {
    auto v = verify_password("pw", bad);
    EXPECT_FALSE(v.ok()) << bad;
    EXPECT_EQ(password_hash_iterations(bad), 0u) << bad;
  }
}

TEST(RateLimiter, BurstThenRefill) {
  FakeClock clock;
  RateLimiter limiter(clock.clock());
  RateLimit limit{3, std::chrono::seconds(10)};
  for (int i = 0; i < 3; ++i) EXPECT_EQ(limiter.try_acquire({{"k", limit}}).count(), 0) << i;
  auto wait = limiter.try_acquire({{"k", limit}});
  EXPECT_EQ(wait, std::chrono::seconds(10));
  clock.seconds += 5;
  EXPECT_EQ(limiter.try_acquire({{"k", limit}}), std::chrono::seconds(5));
  clock.seconds += 5;
  EXPECT_EQ(limiter.try_acquire({{"k", limit}}).count(), 0);
  EXPECT_GT(limiter.try_acquire({{"k", limit}}).count(), 0);
  // Other keys are independent; refund and reset give tokens back.
  EXPECT_EQ(limiter.try_acquire({{"other", limit}}).count(), 0);
  limiter.refund("k", limit);
  EXPECT_EQ(limiter.try_acquire({{"k", limit}}).count(), 0);
  limiter.reset("k");
  EXPECT_EQ(limiter.try_acquire({{"k", limit}}).count(), 0);
}

TEST(RateLimiter, AllOrNothingAcrossKeys) {
  FakeClock clock;
  RateLimiter limiter(clock.clock());
  RateLimit one{1, std::chrono::seconds(60)};
  RateLimit many{10, std::chrono::seconds(60)};
  EXPECT_EQ(limiter.try_acquire({{"user:a", one}, {"addr:x", many}}).count(), 0);
  // user:a is empty, so addr:x must not be charged for the refused attempt.
  for (int i = 0; i < 5; ++i)
    EXPECT_GT(limiter.try_acquire({{"user:a", one}, {"addr:x", many}}).count(), 0);
  for (int i = 0; i < 9; ++i) EXPECT_EQ(limiter.try_acquire({{"addr:x", many}}).count(), 0) << i;
  EXPECT_GT(limiter.try_acquire({{"addr:x", many}}).count(), 0);
}

TEST(RateLimiter, MemoryStaysBounded) {
  FakeClock clock;
  RateLimiter limiter(clock.clock(), 100);
  RateLimit limit{2, std::chrono::seconds(60)};
  for (int i = 0; i < 1000; ++i) limiter.try_acquire({{"k" + std::to_string(i), limit}});
  // The newest keys are still limited after all that churn.
  limiter.try_acquire({{"k999", limit}});
  EXPECT_GT(limiter.try_acquire({{"k999", limit}}).count(), 0);
}

TEST(JsonFileUserStore, PersistsAtomicallyWithPrivatePermissions) {
  TempDir dir;
  std::string path = dir.file("users.json");
  {
    auto store = JsonFileUserStore::open(path);
    ASSERT_TRUE(store.ok()) << store.error().message;
    EXPECT_TRUE((*store)->users()->empty());
    User u{"alice", Role::operator_, "$pbkdf2-sha256$1$x$y", "SECRET", "", 42, 1700000000};
    ASSERT_TRUE((*store)->put_user(u).ok());
    ASSERT_TRUE((*store)->put_token({"tok_1", "alice", "ci", Role::viewer, "abc", 1, 0}).ok());
    ASSERT_TRUE((*store)->put_token({"tok_2", "alice", "cd", Role::operator_, "def", 1, 99}).ok());
  }
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_FALSE(std::filesystem::exists(dir.file(".users.json.tmp")));
  auto again = JsonFileUserStore::open(path);
  ASSERT_TRUE(again.ok()) << again.error().message;
  auto alice = (*again)->find_user("alice");
  ASSERT_TRUE(alice.ok() && alice->has_value());
  EXPECT_EQ((*alice)->role, Role::operator_);
  EXPECT_EQ((*alice)->totp_secret, "SECRET");
  EXPECT_EQ((*alice)->totp_last_step, 42u);
  EXPECT_EQ((*again)->tokens()->size(), 2u);
  auto by_hash = (*again)->find_token_by_hash("def");
  ASSERT_TRUE(by_hash.ok() && by_hash->has_value());
  EXPECT_EQ((*by_hash)->id, "tok_2");
  EXPECT_EQ((*by_hash)->expires, 99);
  // Removing a user removes their tokens, durably.
  ASSERT_TRUE((*again)->remove_user("alice").ok());
  EXPECT_EQ((*again)->remove_user("alice").error().code, base::Errc::not_found);
  auto third = JsonFileUserStore::open(path);
  EXPECT_TRUE((*third)->users()->empty());
  EXPECT_TRUE((*third)->tokens()->empty());
}

TEST(JsonFileUserStore, MalformedFileIsAnErrorNamingIt) {
  TempDir dir;
  for (const char* text : {"{", "{\"version\": 2, \"users\": [], \"tokens\": []}",
                           "{\"version\": 1, \"users\": [{\"name\": \"a\", \"role\": \"god\", "
                           "\"passwordHash\": \"x\"}], \"tokens\": []}"}) {
    test::write_file(dir.file("users.json"), text);
    auto store = JsonFileUserStore::open(dir.file("users.json"));
    ASSERT_FALSE(store.ok()) << text;
    EXPECT_EQ(store.error().code, base::Errc::malformed);
    EXPECT_NE(store.error().message.find("users.json"), std::string::npos);
  }
}

TEST(JsonFileUserStore, FailedWriteLeavesMemoryUnchanged) {
  TempDir dir;
  auto store = JsonFileUserStore::open(dir.file("missing-dir/users.json"));
  ASSERT_TRUE(store.ok());
  auto st = (*store)->put_user({"bob", Role::viewer, "h", "", "", 0, 0});
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, base::Errc::io);
  EXPECT_TRUE((*store)->users()->empty());
}

class AuthServiceTest : public ::testing::Test {
 protected:
  AuthServiceTest() : auth_(store_, test::fast_auth_config(clock_)) {}

  LoginResult login(std::string user, std::string password, std::string totp = "",
                    std::string addr = "192.0.2.1") {
    auto r = auth_.login({std::move(user), std::move(password), std::move(totp), std::move(addr)});
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? *r : LoginResult{};
  }

  FakeClock clock_;
  MemoryUserStore store_;
  AuthService auth_;
};

TEST_F(AuthServiceTest, BootstrapFromFileEnvOrGenerated) {
  TempDir dir;
  test::write_file(dir.file("pw"), "from-the-file\n");
  auto b = auth_.bootstrap_admin({"admin", dir.file("pw"), "GITNS_TEST_UNUSED"});
  ASSERT_TRUE(b.ok()) << b.error().message;
  EXPECT_TRUE(b->created);
  EXPECT_TRUE(b->generated_password.empty());
  EXPECT_EQ(login("admin", "from-the-file").outcome, LoginResult::Outcome::ok);
  // Users exist now: a second start changes nothing.
  auto again = auth_.bootstrap_admin({"admin", "", "GITNS_TEST_UNUSED"});
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->created);

  MemoryUserStore s2;
  AuthService a2(s2, test::fast_auth_config(clock_));
  ::setenv("GITNS_TEST_ADMIN_PW", "from-the-environment", 1);
  ASSERT_TRUE(a2.bootstrap_admin({"admin", "", "GITNS_TEST_ADMIN_PW"})->created);
  ::unsetenv("GITNS_TEST_ADMIN_PW");
  EXPECT_EQ(a2.login({"admin", "from-the-environment", "", "x"})->outcome,
            LoginResult::Outcome::ok);

  MemoryUserStore s3;
  AuthService a3(s3, test::fast_auth_config(clock_));
  auto gen = a3.bootstrap_admin({"admin", "", "GITNS_TEST_UNSET_VARIABLE"});
  ASSERT_TRUE(gen.ok());
  EXPECT_GE(gen->generated_password.size(), 20u);
  EXPECT_EQ(a3.login({"admin", gen->generated_password, "", "x"})->outcome,
            LoginResult::Outcome::ok);
  EXPECT_EQ((*a3.find_user("admin"))->role, Role::admin);

  MemoryUserStore s4;
  AuthService a4(s4, test::fast_auth_config(clock_));
  test::write_file(dir.file("short"), "short\n");
  auto bad = a4.bootstrap_admin({"admin", dir.file("short"), ""});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, base::Errc::syntax);
  EXPECT_FALSE(a4.bootstrap_admin({"admin", dir.file("no-such-file"), ""}).ok());
}

TEST_F(AuthServiceTest, SessionsAndTokensAuthenticateUntilTheyEnd) {
  ASSERT_TRUE(auth_.create_user("alice", "alice-password", Role::operator_).ok());
  auto l = login("alice", "alice-password");
  ASSERT_EQ(l.outcome, LoginResult::Outcome::ok);
  EXPECT_TRUE(l.token.starts_with("gns_s_"));
  auto p = auth_.authenticate(l.token);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->user, "alice");
  EXPECT_EQ(p->role, Role::operator_);
  EXPECT_EQ(p->via, Principal::Via::session);

  auto t = auth_.create_token(*p, "ci", Role::viewer, std::chrono::hours(1));
  ASSERT_TRUE(t.ok());
  EXPECT_TRUE(t->token.starts_with("gns_t_"));
  EXPECT_EQ(t->record.hash.size(), 64u);
  EXPECT_EQ(t->record.hash.find(t->token.substr(6)), std::string::npos);  // only the hash is kept
  auto tp = auth_.authenticate(t->token);
  ASSERT_TRUE(tp.ok());
  EXPECT_EQ(tp->role, Role::viewer);
  EXPECT_EQ(tp->via, Principal::Via::token);
  EXPECT_EQ(auth_.create_token(*p, "too-high", Role::admin, {}).error().code, base::Errc::semantic);

  // Expiry: the token after one hour, the session after twelve.
  clock_.seconds += 3601;
  EXPECT_EQ(auth_.authenticate(t->token).error().code, base::Errc::not_found);
  EXPECT_TRUE(auth_.authenticate(l.token).ok());
  clock_.seconds += 12 * 3600;
  EXPECT_EQ(auth_.authenticate(l.token).error().code, base::Errc::not_found);

  for (const char* junk :
       {"", "gns_s_", "gns_t_zz", "Bearer x",
        "gns_s_0000000000000000000000000000000000000000000000000000000000000000"}) {
    EXPECT_EQ(auth_.authenticate(junk).error().code, base::Errc::not_found) << junk;
  }
}

TEST_F(AuthServiceTest, RoleChangesAndDeletionApplyAtOnce) {
  ASSERT_TRUE(auth_.create_user("root", "root-password", Role::admin).ok());
  ASSERT_TRUE(auth_.create_user("bob", "bob-password", Role::admin).ok());
  auto l = login("bob", "bob-password");
  auto p = *auth_.authenticate(l.token);
  auto t = *auth_.create_token(p, "admin-token", std::nullopt, {});
  EXPECT_EQ(t.record.role, Role::admin);
  ASSERT_TRUE(auth_.set_role("bob", Role::viewer).ok());
  EXPECT_EQ(auth_.authenticate(l.token)->role, Role::viewer);
  EXPECT_EQ(auth_.authenticate(t.token)->role, Role::viewer);  // capped by the owner's role
  ASSERT_TRUE(auth_.delete_user("bob").ok());
  EXPECT_FALSE(auth_.authenticate(l.token).ok());
  EXPECT_FALSE(auth_.authenticate(t.token).ok());
  EXPECT_TRUE(auth_.tokens(std::nullopt)->empty());
  // The last admin stays.
  EXPECT_EQ(auth_.delete_user("root").error().code, base::Errc::semantic);
  EXPECT_EQ(auth_.set_role("root", Role::operator_).error().code, base::Errc::semantic);
  EXPECT_EQ(auth_.create_user("Bad Name", "long-enough", Role::viewer).error().code,
            base::Errc::syntax);
  EXPECT_EQ(auth_.create_user("me", "long-enough", Role::viewer).error().code, base::Errc::syntax);
  EXPECT_EQ(auth_.create_user("carol", "short", Role::viewer).error().code, base::Errc::syntax);
  EXPECT_EQ(auth_.create_user("root", "long-enough", Role::viewer).error().code,
            base::Errc::semantic);
}

TEST_F(AuthServiceTest, PasswordChangeEndsSessions) {
  ASSERT_TRUE(auth_.create_user("dana", "first-password", Role::viewer).ok());
  auto l = login("dana", "first-password");
  EXPECT_EQ(auth_.change_password("dana", "wrong", "second-password").error().code,
            base::Errc::malformed);
  ASSERT_TRUE(auth_.change_password("dana", "first-password", "second-password").ok());
  EXPECT_FALSE(auth_.authenticate(l.token).ok());
  EXPECT_EQ(login("dana", "first-password").outcome, LoginResult::Outcome::invalid_credentials);
  EXPECT_EQ(login("dana", "second-password").outcome, LoginResult::Outcome::ok);
}

// Two-factor login checked against RFC 6238 appendix B: the user holds the RFC's SHA-1
// secret and the clock is set to the table's times.
TEST_F(AuthServiceTest, TotpLoginWithRfc6238Vectors) {
  ASSERT_TRUE(auth_.create_user("erin", "erin-password", Role::viewer).ok());
  auto user = **auth_.find_user("erin");
  std::string rfc_key = "12345678901234567890";
  user.totp_secret = crypto::base32_encode(crypto::as_bytes(rfc_key), false);
  ASSERT_TRUE(store_.put_user(user).ok());

  clock_.seconds = 59;  // RFC: 94287082, so the 6-digit code is 287082
  EXPECT_EQ(login("erin", "erin-password").outcome, LoginResult::Outcome::totp_required);
  EXPECT_EQ(login("erin", "erin-password", "287083").outcome,
            LoginResult::Outcome::invalid_credentials);
  EXPECT_EQ(login("erin", "wrong-password", "287082").outcome,
            LoginResult::Outcome::invalid_credentials);
  EXPECT_EQ(login("erin", "erin-password", "287082").outcome, LoginResult::Outcome::ok);
  // The same code again (replay) is refused even inside its 30 s step.
  EXPECT_EQ(login("erin", "erin-password", "287082").outcome,
            LoginResult::Outcome::invalid_credentials);

  clock_.seconds = 1111111109;  // RFC: 07081804
  EXPECT_EQ(login("erin", "erin-password", "081804").outcome, LoginResult::Outcome::ok);
  clock_.seconds = 1111111111;  // RFC: 14050471 (next step); the previous code is spent
  EXPECT_EQ(login("erin", "erin-password", "081804").outcome,
            LoginResult::Outcome::invalid_credentials);
  EXPECT_EQ(login("erin", "erin-password", "050471", "192.0.2.9").outcome,
            LoginResult::Outcome::ok);
  clock_.seconds = 1234567890;  // RFC: 89005924; one step of drift either way is accepted
  clock_.seconds += 30;
  EXPECT_EQ(login("erin", "erin-password", "005924", "192.0.2.9").outcome,
            LoginResult::Outcome::ok);
  clock_.seconds = 2000000000 + 90;  // RFC 69279037, three steps ago: too old
  EXPECT_EQ(login("erin", "erin-password", "279037", "192.0.2.10").outcome,
            LoginResult::Outcome::invalid_credentials);
}

TEST_F(AuthServiceTest, TotpEnrolmentNeedsConfirmation) {
  ASSERT_TRUE(auth_.create_user("finn", "finn-password", Role::viewer).ok());
  auto e = auth_.begin_totp("finn");
  ASSERT_TRUE(e.ok());
  EXPECT_TRUE(e->uri.starts_with("otpauth://totp/gitns:finn?secret=" + e->secret));
  // Not on until confirmed.
  EXPECT_EQ(login("finn", "finn-password").outcome, LoginResult::Outcome::ok);
  EXPECT_EQ(auth_.confirm_totp("finn", "000000").error().code, base::Errc::malformed);
  auto key = *crypto::base32_decode(e->secret);
  ASSERT_TRUE(auth_.confirm_totp("finn", *crypto::totp(key, clock_.seconds)).ok());
  EXPECT_EQ(auth_.begin_totp("finn").error().code, base::Errc::semantic);
  EXPECT_EQ(login("finn", "finn-password").outcome, LoginResult::Outcome::totp_required);
  clock_.seconds += 30;
  EXPECT_EQ(login("finn", "finn-password", *crypto::totp(key, clock_.seconds)).outcome,
            LoginResult::Outcome::ok);
  clock_.seconds += 30;
  EXPECT_EQ(auth_.disable_totp("finn", "123456").error().code, base::Errc::malformed);
  ASSERT_TRUE(auth_.disable_totp("finn", *crypto::totp(key, clock_.seconds)).ok());
  EXPECT_EQ(login("finn", "finn-password").outcome, LoginResult::Outcome::ok);
  EXPECT_EQ(auth_.confirm_totp("finn", "123456").error().code, base::Errc::semantic);
}

TEST_F(AuthServiceTest, LoginRateLimitPerUserAndPerAddress) {
  ASSERT_TRUE(auth_.create_user("gail", "gail-password", Role::viewer).ok());
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(login("gail", "nope", "", "198.51.100." + std::to_string(i)).outcome,
              LoginResult::Outcome::invalid_credentials);
  }
  // Five failures for the user: even the right password waits now, from any address.
  auto limited = login("gail", "gail-password", "", "203.0.113.1");
  EXPECT_EQ(limited.outcome, LoginResult::Outcome::rate_limited);
  EXPECT_GT(limited.retry_after.count(), 0);
  clock_.seconds += 60;
  EXPECT_EQ(login("gail", "gail-password", "", "203.0.113.1").outcome, LoginResult::Outcome::ok);

  // Per address: 20 attempts at once for any mix of names, unknown ones included.
  for (int i = 0; i < 20; ++i) login("nobody" + std::to_string(i), "x", "", "192.0.2.200");
  EXPECT_EQ(login("gail", "gail-password", "", "192.0.2.200").outcome,
            LoginResult::Outcome::rate_limited);
  EXPECT_EQ(login("gail", "gail-password", "", "192.0.2.201").outcome, LoginResult::Outcome::ok);
}

TEST_F(AuthServiceTest, TokensAreListedPerOwnerAndRevocable) {
  ASSERT_TRUE(auth_.create_user("hana", "hana-password", Role::operator_).ok());
  ASSERT_TRUE(auth_.create_user("ivan", "ivan-password", Role::viewer).ok());
  auto hana = *auth_.authenticate(login("hana", "hana-password").token);
  std::string ivan_session = login("ivan", "ivan-password").token;
  auto ivan = *auth_.authenticate(ivan_session);
  auto th = *auth_.create_token(hana, "h", std::nullopt, {});
  auto ti = *auth_.create_token(ivan, "i", std::nullopt, {});
  EXPECT_EQ(auth_.tokens(std::string_view("hana"))->size(), 1u);
  EXPECT_EQ(auth_.revoke_token(ivan, th.record.id).error().code, base::Errc::not_found);
  EXPECT_TRUE(auth_.authenticate(th.token).ok());
  ASSERT_TRUE(auth_.revoke_token(hana, th.record.id).ok());
  EXPECT_FALSE(auth_.authenticate(th.token).ok());
  EXPECT_TRUE(auth_.authenticate(ti.token).ok());
  auth_.logout(ivan);
  EXPECT_EQ(auth_.authenticate(ivan_session).error().code, base::Errc::not_found);
  EXPECT_TRUE(auth_.authenticate(ti.token).ok());  // logout ends the session only
}

}  // namespace
}  // namespace gitns::http
