// Package config loads and validates commsgate's two configurations.
//
// The repository policy, .github/commsgate.yml on the communications
// repository's default branch, says who must approve what (groups, SIG
// teams, tiers), when notices may go out (windows, blackouts, lead times)
// and where they go (publish targets). ParseRepoPolicy turns it into
// policy.Rules and findings at exact lines; a policy with errors is
// never half-applied: handlers treat it as broken, and nothing is
// approved or published under it. Secrets never live there.
//
// The server configuration (LoadServer: a YAML file, every key overridable
// from the environment) holds the GitHub App's credentials, the listener,
// the worker pool and the publish targets' secrets. Unknown keys and
// missing credentials are errors that name the key, so a misconfigured
// server refuses to start instead of running half-configured.
package config
