// A real OpenID Connect provider for Registre's tests: the certified `oidc-provider`, with
// one client (Registre), PKCE required, fresh signing keys at every start, and its
// development login form (any login, any password) driven by the tests.
//
//   node server.mjs PORT REDIRECT_URI POST_LOGOUT_REDIRECT_URI
//
// Accounts: the login typed in the form is the subject. Its claims are made up from it
// ("marie.curie" -> given_name "Marie", usual_name "Curie", email marie.curie@...), and a
// login starting with "admin." carries the group "registre-admins" (the roles claim test).
// The claims are served as ProConnect serves them: in a signed userinfo (application/jwt),
// not in the ID token.
import { generateKeyPairSync, randomBytes } from "node:crypto";
import Provider from "oidc-provider";

const [port, redirectUri, postLogoutRedirectUri] = process.argv.slice(2);
if (!port || !redirectUri || !postLogoutRedirectUri) {
  console.error("usage: node server.mjs PORT REDIRECT_URI POST_LOGOUT_REDIRECT_URI");
  process.exit(2);
}

function signingKey() {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return { ...privateKey.export({ format: "jwk" }), kid: randomBytes(8).toString("hex"), use: "sig", alg: "RS256" };
}

function capitalized(word) {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

function claimsOf(login) {
  const [first, ...rest] = login.replace(/^admin\./, "").split(".");
  return {
    sub: login,
    email: `${login}@exemple.gouv.fr`,
    email_verified: true,
    given_name: capitalized(first),
    usual_name: rest.map(capitalized).join(" ") || capitalized(first),
    uid: login,
    siret: "21750001600019",
    groups: login.startsWith("admin.") ? ["registre-admins", "agents"] : ["agents"],
  };
}

const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients: [
    {
      client_id: "registre",
      client_secret: "registre-test-secret",
      redirect_uris: [redirectUri],
      post_logout_redirect_uris: [postLogoutRedirectUri],
      grant_types: ["authorization_code"],
      response_types: ["code"],
      userinfo_signed_response_alg: "RS256",
    },
  ],
  jwks: { keys: [signingKey()] },
  cookies: { keys: [randomBytes(32).toString("hex")] },
  pkce: { required: () => true },
  scopes: ["openid", "email", "given_name", "usual_name", "uid", "siret", "groups"],
  claims: {
    openid: ["sub"],
    email: ["email", "email_verified"],
    given_name: ["given_name"],
    usual_name: ["usual_name"],
    uid: ["uid"],
    siret: ["siret"],
    groups: ["groups"],
  },
  features: {
    devInteractions: { enabled: true },
    jwtUserinfo: { enabled: true },
    rpInitiatedLogout: { enabled: true },
  },
  async findAccount(ctx, sub) {
    return { accountId: sub, async claims() { return claimsOf(sub); } };
  },
});

// The development login form warns on every start: expected here, and only noise.
provider.on("server_error", (ctx, error) => console.error("server_error", error));
provider.listen(Number(port), "127.0.0.1", () => {
  console.log(`oidc-provider listening on http://127.0.0.1:${port}`);
});
