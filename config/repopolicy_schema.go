package config

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/commsgate/commsgate/policy"
)

// RepoPolicySchemaFile is where the README tells administrators to write
// the policy schema: next to the policy file, so the relative reference in
// the policy file's first line resolves (yaml-language-server resolves a
// relative $schema against the file that names it).
const RepoPolicySchemaFile = ".github/commsgate.schema.json"

// RepoPolicySchemaComment is the first line of a policy file template: it
// points yaml-language-server at the schema written to RepoPolicySchemaFile.
const RepoPolicySchemaComment = "# yaml-language-server: $schema=./commsgate.schema.json"

// The schema's patterns are the decoder's, written in the subset of regular
// expressions ECMA-262 (editors) and Go (the tests' validator) share.
var (
	teamRefSchemaPattern = "^" + bare(githubOrgPattern.String()) + "/" + bare(teamSlugPattern.String()) + "$"
	repoRefSchemaPattern = "^" + bare(githubOrgPattern.String()) + "/" + bare(repoNamePattern.String()) + "$"
	// A duration the decoder accepts, and one that is no time at all.
	durationSchemaPattern = policyDurationPattern.String()
	zeroDurationPattern   = `^(?:0+[dhm])+$`
	// A label: 1 to 50 characters, no space at either end.
	labelSchemaPattern = `^\S(?:.*\S)?$`
	// An address without a display name, with a dot in its domain.
	emailSchemaPattern = `^[^\s@<>(),;:"\[\]\\]+@[^\s@<>(),;:"\[\]\\]+\.[^\s@<>(),;:"\[\]\\]+$`
	dateSchemaPattern  = `^[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])$`
)

// bare strips a pattern's anchors so it can be part of a longer one.
func bare(pattern string) string {
	return strings.TrimSuffix(strings.TrimPrefix(pattern, "^"), "$")
}

// RepoPolicySchema returns a JSON Schema (draft-07, the newest draft
// yaml-language-server implements) of the repository policy file, so an
// editor completes keys, explains them on hover and flags mistakes while
// an administrator writes .github/commsgate.yml. It lists every key the
// decoder accepts (a test keeps the two in step). Checks that need the
// whole file (a tier naming a group without a team, a min_tier no tier
// defines, a window that ends before it starts) are beyond a schema;
// loading the policy, as `commsgate check` does, reports those.
func RepoPolicySchema() ([]byte, error) {
	schema := map[string]any{
		"$schema":     policy.SchemaDialect,
		"title":       "commsgate repository policy",
		"description": "The policy file .github/commsgate.yml of a repository commsgate gates; every key is optional. See config/REPO_POLICY.md.",
		// An empty file, or one holding only comments, keeps every default.
		"type":                 []string{"object", "null"},
		"properties":           rootSchemaProperties(),
		"additionalProperties": false,
		"definitions":          policySchemaDefinitions(),
	}
	out, err := json.MarshalIndent(schema, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("policy schema: encode: %w", err)
	}
	return append(out, '\n'), nil
}

func rootSchemaProperties() map[string]any {
	return map[string]any{
		"comms_path": describe(commsPathSchema(), "The folder, relative to the repository root, that holds communications. Default comms/."),
		"groups": describe(namedMap(ref("group"), policy.StageSIG),
			"Named reviewer groups that tiers refer to. Defaults: comms (1 approval), security (1 approval), steering (a majority), all without a team; a group named here keeps the defaults of the keys it does not set. sig is reserved."),
		"sigs": describe(namedMap(ref("team")),
			"The leads team (org/team-slug) of each owning SIG or working group; the sig stage needs an approval from the leads of every SIG a communication lists."),
		"tiers": describe(map[string]any{
			"type":          "object",
			"minProperties": 1,
			"propertyNames": map[string]any{"pattern": `^[1-9][0-9]?$`},
			"additionalProperties": map[string]any{
				"type": "array", "minItems": 1, "uniqueItems": true,
				"items": describe(map[string]any{"type": "string", "pattern": policyNamePattern.String()}, "sig, or the name of a group"),
			},
		}, "The stages that approve, in order, at each tier (a whole number from 1 to 99). Setting tiers replaces the default ladder as a whole."),
		"types": describe(typesSchema(),
			"Communication types. A built-in type named here keeps what the file does not set; a new type needs min_tier."),
		"scope": describe(closed(map[string]any{
			"multiple_sigs": describe(tierOrOff(), "Tier for a communication listing more than one owning SIG. Default 2; 0 turns the rule off."),
			"wide_audience": describe(tierOrOff(), "Tier for an audience beyond contributors. Default 2; 0 turns the rule off."),
			"embargo":       describe(tierOrOff(), "Tier for an embargoed communication. Default 3; 0 turns the rule off."),
		}), "Rules that raise a communication's tier from its content."),
		"schedule": describe(closed(map[string]any{
			"timezones": describe(map[string]any{
				"type": "array", "minItems": 1, "uniqueItems": true, "items": ref("timezone"),
			}, "Zones every publish_at is shown in, in order."),
			"windows": describe(map[string]any{"type": "array", "minItems": 1, "items": ref("window")},
				"When publication is allowed. Default mon-thu 14:00-18:00 UTC."),
			"blackout":           describe(map[string]any{"type": "array", "items": ref("blackout")}, "Date ranges with no publication at all."),
			"distributor_notice": describe(ref("duration"), "How long before publication distributors must have been told of an embargoed issue. Default 7d."),
			"max_embargo":        describe(ref("duration"), "The longest embargo allowed. Default 14d."),
			"late_grace":         describe(ref("duration-or-zero"), "How long after publish_at a communication still counts as due rather than missed; 0m allowed. Default 24h."),
		}), "Publication timing."),
		"publish": describe(namedMap(ref("target")),
			"The channels a communication's channels field names. Secrets and endpoints live in the server configuration; a target refers to them with secret: NAME."),
		"followup": describe(closed(map[string]any{
			"enabled": describe(boolean(), "Open a follow-up issue after publication. Default true."),
			"after":   describe(ref("duration"), "How long after publication the follow-up is due. Default 14d."),
			"labels":  describe(ref("labels"), "Labels of the follow-up issue. Default [follow-up]."),
		}), "The follow-up issue opened after publication."),
		"distinct_approvers": describe(boolean(), "One person's approval counts toward one stage only. Default true."),
		"request_reviews": describe(enum("staged", "all", "off"),
			"Request reviews from the current stage only, from all stages at once, or not at all. Default staged."),
		"auto_merge":   describe(boolean(), "Merge an approved pull request at publish_at. Default false."),
		"merge_method": describe(enum("merge", "squash", "rebase"), "How the app merges when auto_merge is on. Default merge."),
		"limits": describe(closed(map[string]any{
			"title_chars":   describe(intRange(1, 1000), "Longest title. Default 90."),
			"summary_chars": describe(intRange(1, 10000), "Longest summary. Default 300."),
			"file_bytes":    describe(intRange(1, 1024*1024), "Largest communication file. Default 65536."),
		}), "Document size limits."),
		"expedite": describe(map[string]any{"oneOf": []any{
			boolean(),
			closed(map[string]any{
				"enabled": describe(boolean(), "Whether notices may take the crisis path. Default true."),
				"types": describe(map[string]any{"type": "array", "uniqueItems": true, "items": map[string]any{"type": "string", "pattern": policyNamePattern.String()}},
					"The communication types that may declare expedite: true. Default [incident, security-advisory]."),
				"stages": describe(map[string]any{"type": "array", "minItems": 1, "uniqueItems": true, "items": map[string]any{"type": "string", "pattern": policyNamePattern.String()}},
					"The crisis ladder, asked all at once: sig or group names. Default [comms, steering]."),
				"quorum": describe(map[string]any{"type": "object", "additionalProperties": intRange(1, 1000)},
					"Members needed per crisis stage instead of the group's count or majority. Default {steering: 2}."),
				"ratify_within": describe(ref("duration"), "How long after publication the normal ladder has to ratify. Default 72h."),
			}),
		}}, "The crisis path: expedite: false switches it off."),
	}
}

func policySchemaDefinitions() map[string]any {
	defs := map[string]any{
		"team": describe(map[string]any{"type": "string", "pattern": teamRefSchemaPattern},
			"A GitHub team as org/team-slug, the slug as in the team's URL, without @, e.g. example/sig-release-leads."),
		"group": describe(groupSchema(), "A reviewer group."),
		"type": describe(closed(map[string]any{
			"description": describe(map[string]any{"type": "string"}, "Shown in templates and check summaries."),
			"min_tier":    describe(intRange(1, maxPolicyTier), "The lowest tier this type is reviewed at; a tier the tiers key defines."),
			"fields":      describe(map[string]any{"type": "array", "items": ref("field")}, "Front-matter fields beyond the common ones; replaces a built-in type's list."),
			"sections":    describe(map[string]any{"type": "array", "items": ref("section")}, "Required ## sections beyond Summary and Contact; replaces a built-in type's list."),
		}), "A communication type."),
		"field":   fieldSchema(),
		"section": sectionSchema(),
		"timezone": describe(map[string]any{"type": "string", "minLength": 1, "not": map[string]any{"const": "Local"}},
			"An IANA time zone name such as UTC, Europe/Berlin or America/Los_Angeles (not Local)."),
		"window": describe(map[string]any{
			"type":     "object",
			"required": []string{"days", "from", "to"},
			"properties": map[string]any{
				"days": describe(map[string]any{"type": "array", "minItems": 1, "uniqueItems": true, "items": enum(weekdayNames...)}, "Days of the week, e.g. [mon, tue, wed, thu]."),
				"from": describe(map[string]any{"type": "string", "pattern": clockPattern.String()}, `Start, "HH:MM" on a 24-hour clock, quoted.`),
				"to":   describe(map[string]any{"type": "string", "pattern": `^(?:` + bare(clockPattern.String()) + `|24:00)$`}, `End, "HH:MM", after from; "24:00" for the end of the day. A window never crosses midnight.`),
				"tz":   describe(ref("timezone"), "Time zone of from and to. Default UTC."),
			},
			"additionalProperties": false,
		}, "A publication window."),
		"blackout": describe(map[string]any{
			"type":     "object",
			"required": []string{"from", "to", "reason"},
			"properties": map[string]any{
				"from":   describe(date(), "First day, YYYY-MM-DD (UTC), inclusive."),
				"to":     describe(date(), "Last day, YYYY-MM-DD (UTC), inclusive; not before from."),
				"reason": describe(map[string]any{"type": "string", "pattern": `\S`}, "Why nothing is published then; authors read it."),
			},
			"additionalProperties": false,
		}, "A date range with no publication."),
		"duration": describe(map[string]any{
			"type": "string", "pattern": durationSchemaPattern, "not": map[string]any{"pattern": zeroDurationPattern},
		}, "A positive span of whole days d, hours h and minutes m, at most ten years, e.g. 14d, 36h, 90m, 1d12h."),
		"duration-or-zero": describe(map[string]any{"type": "string", "pattern": durationSchemaPattern},
			"A span of whole days d, hours h and minutes m, at most ten years, e.g. 24h; 0m for none."),
		"labels": describe(map[string]any{
			"type": "array", "uniqueItems": true,
			"items": map[string]any{"type": "string", "minLength": 1, "maxLength": 50, "pattern": labelSchemaPattern},
		}, "GitHub labels: 1 to 50 characters, each listed once."),
		"target": targetSchema(),
	}
	for _, kind := range targetKinds {
		defs["target-"+kind] = targetKindSchema(policy.TargetKind(kind))
	}
	return defs
}

// groupSchema is a reviewer group: count or quorum, never both.
func groupSchema() map[string]any {
	s := closed(map[string]any{
		"team":         describe(ref("team"), "The team whose members approve for the group. Required for any group a tier uses."),
		"count":        describe(map[string]any{"type": "integer", "minimum": 1}, "Approvals the stage needs. Default 1."),
		"quorum":       describe(enum("majority"), "A majority of the team's current members. Do not combine with count."),
		"embargo_team": describe(ref("team"), "Replaces team for embargoed communications."),
	})
	s["not"] = map[string]any{"required": []string{"count", "quorum"}}
	return s
}

// typesSchema lets a built-in type be adjusted in part but requires a new
// type to say its min_tier.
func typesSchema() map[string]any {
	builtins := map[string]any{}
	for _, name := range slices.Sorted(maps.Keys(policy.DefaultTypes())) {
		builtins[name] = ref("type")
	}
	return map[string]any{
		"type":          "object",
		"propertyNames": map[string]any{"pattern": policyNamePattern.String()},
		"properties":    builtins,
		"additionalProperties": map[string]any{
			"allOf": []any{ref("type"), map[string]any{"required": []string{"min_tier"}}},
		},
	}
}

func fieldSchema() map[string]any {
	kindIs := func(kind policy.FieldKind) map[string]any {
		return map[string]any{"properties": map[string]any{"kind": map[string]any{"const": string(kind)}}, "required": []string{"kind"}}
	}
	has := func(keys ...string) map[string]any { return map[string]any{"required": keys} }
	return describe(map[string]any{
		"type":     "object",
		"required": []string{"name"},
		"properties": map[string]any{
			"name": describe(map[string]any{
				"type": "string", "pattern": fieldNamePattern.String(), "not": enum(policy.CommonFields...),
			}, "The front-matter key, snake_case, e.g. expires_at; not a common field."),
			"kind":     describe(enum(fieldKinds...), "How the value is checked. Default string."),
			"required": describe(boolean(), "The field must be present. Default false."),
			"required_when": describe(map[string]any{
				"type": "object",
				"additionalProperties": map[string]any{
					"anyOf": []any{map[string]any{"type": "string"}, map[string]any{"type": "array", "items": map[string]any{"type": "string"}}},
				},
			}, "Required only while another field (of this type, or a common one) has one of these values, e.g. {status: ongoing}. Not with required: true."),
			"values":   describe(map[string]any{"type": "array", "minItems": 1, "uniqueItems": true, "items": map[string]any{"type": "string"}}, "The allowed values; for, and only for, kind: enum."),
			"min":      describe(map[string]any{"type": "number"}, "Inclusive lower bound, with max, only for kind: number."),
			"max":      describe(map[string]any{"type": "number"}, "Inclusive upper bound, with min, only for kind: number."),
			"guidance": describe(map[string]any{"type": "string"}, "Placeholder written into new drafts."),
		},
		"additionalProperties": false,
		"dependencies":         map[string]any{"min": []string{"max"}, "max": []string{"min"}},
		"allOf": []any{
			map[string]any{"if": kindIs(policy.KindEnum), "then": has("values"), "else": map[string]any{"not": has("values")}},
			map[string]any{"if": has("min"), "then": kindIs(policy.KindNumber)},
			map[string]any{"if": map[string]any{"properties": map[string]any{"required": map[string]any{"const": true}}, "required": []string{"required"}},
				"then": map[string]any{"not": has("required_when")}},
		},
	}, "A front-matter field of this type.")
}

func sectionSchema() map[string]any {
	return describe(closed(map[string]any{
		"title":    describe(map[string]any{"type": "string", "pattern": `[^#\s]`, "not": map[string]any{"pattern": `[\r\n]`}}, "The heading text without ##, one line, e.g. Banner text."),
		"guidance": describe(map[string]any{"type": "string"}, "Placeholder written into new drafts."),
	}, "title"), "A required ## section.")
}

// targetSchema picks a kind's settings by kind.
func targetSchema() map[string]any {
	var branches []any
	for _, kind := range targetKinds {
		branches = append(branches, map[string]any{
			"if":   map[string]any{"properties": map[string]any{"kind": map[string]any{"const": kind}}, "required": []string{"kind"}},
			"then": ref("target-" + kind),
		})
	}
	return describe(map[string]any{
		"type":       "object",
		"required":   []string{"kind"},
		"properties": map[string]any{"kind": describe(enum(targetKinds...), "The kind of channel; it decides the other settings.")},
		"allOf":      branches,
	}, "A publish target. Secrets (webhook URLs, SMTP hosts and passwords, tokens) never go here: they live in the server configuration.")
}

// targetSettingSchemas are the settings of the target kinds (targetKeys).
var targetSettingSchemas = map[string]map[string]any{
	"repo":   describe(map[string]any{"type": "string", "pattern": repoRefSchemaPattern}, "The repository to open the issue in, org/name, e.g. example/announce."),
	"labels": describe(ref("labels"), "Labels of the issue."),
	"to":     describe(map[string]any{"type": "string", "pattern": emailSchemaPattern}, "The list address, without a display name, e.g. dev@example.org."),
	"secret": describe(map[string]any{"type": "string", "pattern": secretRefPattern.String()}, "The name under which the server configuration holds this target's credentials; never the secret itself."),
}

func targetKindSchema(kind policy.TargetKind) map[string]any {
	properties := map[string]any{"kind": true}
	for _, key := range targetKeys[kind] {
		properties[key] = targetSettingSchemas[key]
	}
	s := closed(properties, requiredTargetKeys[kind]...)
	return describe(s, fmt.Sprintf("The settings of a %s target.", kind))
}

// commsPathSchema refuses what decodeCommsPath refuses: an absolute path,
// a backslash, a .. segment, and the repository root itself.
func commsPathSchema() map[string]any {
	return map[string]any{
		"type": "string",
		"not": map[string]any{"anyOf": []any{
			map[string]any{"pattern": `^/`},
			map[string]any{"pattern": `\\`},
			map[string]any{"pattern": `(?:^|/)\.\.(?:/|$)`},
			map[string]any{"pattern": `^(?:\./*)*$`},
		}},
	}
}

func ref(name string) map[string]any { return map[string]any{"$ref": "#/definitions/" + name} }

func describe(s map[string]any, description string) map[string]any {
	if _, isRef := s["$ref"]; isRef {
		// In draft-07 keywords beside $ref are ignored; wrap it so the
		// description still shows on hover.
		return map[string]any{"description": description, "allOf": []any{s}}
	}
	s["description"] = description
	return s
}

// closed is an object with exactly these keys.
func closed(properties map[string]any, required ...string) map[string]any {
	s := map[string]any{"type": "object", "properties": properties, "additionalProperties": false}
	if len(required) > 0 {
		s["required"] = required
	}
	return s
}

// namedMap is a mapping whose keys are names chosen in the policy file.
func namedMap(value map[string]any, reserved ...string) map[string]any {
	names := map[string]any{"pattern": policyNamePattern.String()}
	if len(reserved) > 0 {
		names["not"] = enum(reserved...)
	}
	return map[string]any{"type": "object", "propertyNames": names, "additionalProperties": value}
}

func enum(values ...string) map[string]any { return map[string]any{"enum": values} }
func boolean() map[string]any              { return map[string]any{"type": "boolean"} }
func intRange(lo, hi int) map[string]any {
	return map[string]any{"type": "integer", "minimum": lo, "maximum": hi}
}
func tierOrOff() map[string]any { return intRange(0, maxPolicyTier) }
func date() map[string]any {
	return map[string]any{"type": "string", "pattern": dateSchemaPattern, "format": "date"}
}
