/// The OpenAPI 3.1 description of Pond's HTTP API, served at `/api/v1/openapi.json`.
///
/// Written from the controllers in `PondServer` and the tracking rules in `PondCore`; `OpenAPIDocumentTests` checks
/// that every route the router registers is listed here (and nothing else), so keep the two in step.
enum OpenAPIDocument {
    static let json = #"""
{
  "openapi": "3.1.0",
  "info": {
    "title": "Pond API",
    "version": "1.0.0",
    "summary": "Tracking (Segment-compatible) and management API of Pond, the private-domain (私域) CDP and identity graph.",
    "description": "Pond has two HTTP surfaces:\n\n* **Tracking API** (`/v1/*`): Segment HTTP tracking API compatible, so the official Segment and RudderStack SDKs (web, mini program, iOS, Android, server) can point at Pond unchanged. Authenticated with a workspace **write key**.\n* **Management API** (`/api/v1/*`): workspaces, keys, unified profiles (统一客户档案), timelines, trait history, merges and identity conflicts. Authenticated with a workspace **admin key** as `Authorization: Bearer KEY`; every call only sees the key's own workspace.\n\nConventions:\n\n* All bodies are JSON (`application/json; charset=utf-8`) except `/metrics`.\n* Times in responses are ISO 8601 UTC with milliseconds, e.g. `2026-11-22T04:16:24.123Z`.\n* Every error has the body `{\"code\", \"message\"}` (plus `index` for a rejected message inside a tracking batch). Match on `code`; `message` is for people and may change.\n* An unknown path, or a known path with the wrong method, returns `404` with an empty body.\n* Identity stitching (ID-Mapping) runs in the background: after a tracking call returns 200, profiles, merges and traits reflect the events within moments, not necessarily at once. `GET /healthz` shows the backlog.\n* Identities are written `type:value`. Types are lower snake case, optionally qualified with a namespace when values are only unique within it: a WeChat openid is per app, `wechat_openid:wx1234abcd`. Built-in types: `user_id`, `anonymous_id`, `phone`, `email`, `member_id` (会员号), `wechat_unionid`, `wechat_openid:APPID`, `wecom_external_userid` (企业微信外部联系人); brands may add their own (e.g. `tmall_nick`). Phones are normalised (`138 0013 8000` → `+8613800138000`), e-mails lower-cased, and placeholders such as `null`, `undefined`, `0` or all-zero device ids are never treated as identities."
  },
  "servers": [
    { "url": "/", "description": "The Pond server itself (default port 8080)." }
  ],
  "tags": [
    { "name": "Tracking", "description": "Segment-spec tracking API (埋点上报). Authenticated with a write key." },
    { "name": "Workspaces", "description": "Workspaces (one per brand) and their settings." },
    { "name": "Keys", "description": "Write and admin keys of a workspace." },
    { "name": "Profiles", "description": "Unified customer profiles (统一客户档案), their timelines and trait history." },
    { "name": "Merges and conflicts", "description": "The audit trail of identity stitching: merges (and their undo) and links the stitcher refused." },
    { "name": "Imports", "description": "Bulk import of orders and customers from CSV exports (天猫, 京东, POS, CRM)." },
    { "name": "Operations", "description": "Health check, Prometheus metrics and this document. No authentication." }
  ],
  "paths": {
    "/v1/batch": {
      "post": {
        "tags": ["Tracking"],
        "operationId": "trackBatch",
        "summary": "Send a batch of messages",
        "description": "What the Segment and RudderStack SDKs call by default. A batch is all-or-nothing: the first invalid message rejects the whole request, and the error's `index` names its position, so nothing of a rejected batch is stored.\n\nBatch-level `context` is merged into every message's `context` (the message's own keys win) and batch-level `sentAt` applies to messages without their own.",
        "security": [{ "writeKeyBasic": [] }, { "writeKeyHeader": [] }, {}],
        "parameters": [{ "$ref": "#/components/parameters/ContentEncoding" }],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": { "$ref": "#/components/schemas/BatchRequest" },
              "example": {
                "batch": [
                  {
                    "type": "identify",
                    "messageId": "7f4c1c0e-6a1e-4c53-9a3c-0d1f0b1c2a01",
                    "anonymousId": "d1f0c9e2-anon",
                    "userId": "u_10086",
                    "traits": { "phone": "138 0013 8000", "name": "王小明", "member_id": "VIP000123" },
                    "timestamp": "2026-11-22T12:16:20.000+08:00"
                  },
                  {
                    "type": "track",
                    "messageId": "7f4c1c0e-6a1e-4c53-9a3c-0d1f0b1c2a02",
                    "userId": "u_10086",
                    "event": "Order Completed",
                    "properties": { "order_id": "20261122000123", "revenue": 299.0, "currency": "CNY" },
                    "context": { "externalIds": [{ "type": "wechat_openid", "id": "o-AbC123", "collection": "wx1234abcd" }] },
                    "timestamp": "2026-11-22T12:16:24.000+08:00"
                  }
                ],
                "context": { "channel": "mini_program", "library": { "name": "analytics-miniprogram", "version": "1.0.0" } },
                "sentAt": "2026-11-22T12:16:25.000+08:00"
              }
            }
          }
        },
        "responses": {
          "200": { "$ref": "#/components/responses/TrackingSuccess" },
          "400": { "$ref": "#/components/responses/TrackingBadRequest" },
          "401": { "$ref": "#/components/responses/TrackingUnauthorized" },
          "413": { "$ref": "#/components/responses/TrackingTooLarge" },
          "415": { "$ref": "#/components/responses/TrackingUnsupportedEncoding" },
          "429": { "$ref": "#/components/responses/TrackingOverloaded" },
          "500": { "$ref": "#/components/responses/InternalError" }
        }
      }
    },
    "/v1/identify": {
      "post": {
        "tags": ["Tracking"],
        "operationId": "trackIdentify",
        "summary": "Identify a person (and attach traits)",
        "description": "Person traits are the top-level `traits` merged with `context.traits` (where RudderStack puts them; top-level wins). Traits `phone`, `email`, `member_id`, `wechat_unionid` and `wecom_external_userid` are also read as identities.",
        "security": [{ "writeKeyBasic": [] }, { "writeKeyHeader": [] }, {}],
        "parameters": [{ "$ref": "#/components/parameters/ContentEncoding" }],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": { "allOf": [{ "$ref": "#/components/schemas/IdentifyMessage" }, { "$ref": "#/components/schemas/WriteKeyInBody" }] },
              "example": {
                "userId": "u_10086",
                "anonymousId": "d1f0c9e2-anon",
                "traits": { "phone": "+86 138-0013-8000", "email": "Ming@Example.com", "vip_level": 3 },
                "context": { "identities": { "wechat_openid:wx1234abcd": "o-AbC123" } },
                "messageId": "0c3d0a52-1b9e-4a8e-bb57-3e0c5d1f2a10",
                "timestamp": "2026-11-22T04:16:24.123Z"
              }
            }
          }
        },
        "responses": {
          "200": { "$ref": "#/components/responses/TrackingSuccess" },
          "400": { "$ref": "#/components/responses/TrackingBadRequest" },
          "401": { "$ref": "#/components/responses/TrackingUnauthorized" },
          "413": { "$ref": "#/components/responses/TrackingTooLarge" },
          "415": { "$ref": "#/components/responses/TrackingUnsupportedEncoding" },
          "429": { "$ref": "#/components/responses/TrackingOverloaded" },
          "500": { "$ref": "#/components/responses/InternalError" }
        }
      }
    },
    "/v1/track": {
      "post": {
        "tags": ["Tracking"],
        "operationId": "trackTrack",
        "summary": "Record an action (event)",
        "description": "`event` is required (non-empty, at most 200 bytes). Only `context.traits` describe the person for a track call.",
        "security": [{ "writeKeyBasic": [] }, { "writeKeyHeader": [] }, {}],
        "parameters": [{ "$ref": "#/components/parameters/ContentEncoding" }],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": { "allOf": [{ "$ref": "#/components/schemas/TrackMessage" }, { "$ref": "#/components/schemas/WriteKeyInBody" }] },
              "example": {
                "userId": "u_10086",
                "event": "Coupon Redeemed",
                "properties": { "coupon_id": "C-2026-11", "store": "上海南京西路店" },
                "context": { "channel": "offline_store" },
                "messageId": "4b7f6f8c-7d0a-4a43-8a0e-2f9c1e6c3b21",
                "timestamp": "2026-11-22T04:16:24.123Z",
                "sentAt": "2026-11-22T04:16:25.000Z"
              }
            }
          }
        },
        "responses": {
          "200": { "$ref": "#/components/responses/TrackingSuccess" },
          "400": { "$ref": "#/components/responses/TrackingBadRequest" },
          "401": { "$ref": "#/components/responses/TrackingUnauthorized" },
          "413": { "$ref": "#/components/responses/TrackingTooLarge" },
          "415": { "$ref": "#/components/responses/TrackingUnsupportedEncoding" },
          "429": { "$ref": "#/components/responses/TrackingOverloaded" },
          "500": { "$ref": "#/components/responses/InternalError" }
        }
      }
    },
    "/v1/page": {
      "post": {
        "tags": ["Tracking"],
        "operationId": "trackPage",
        "summary": "Record a page view (web, H5)",
        "security": [{ "writeKeyBasic": [] }, { "writeKeyHeader": [] }, {}],
        "parameters": [{ "$ref": "#/components/parameters/ContentEncoding" }],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": { "allOf": [{ "$ref": "#/components/schemas/PageMessage" }, { "$ref": "#/components/schemas/WriteKeyInBody" }] }
            }
          }
        },
        "responses": {
          "200": { "$ref": "#/components/responses/TrackingSuccess" },
          "400": { "$ref": "#/components/responses/TrackingBadRequest" },
          "401": { "$ref": "#/components/responses/TrackingUnauthorized" },
          "413": { "$ref": "#/components/responses/TrackingTooLarge" },
          "415": { "$ref": "#/components/responses/TrackingUnsupportedEncoding" },
          "429": { "$ref": "#/components/responses/TrackingOverloaded" },
          "500": { "$ref": "#/components/responses/InternalError" }
        }
      }
    },
    "/v1/screen": {
      "post": {
        "tags": ["Tracking"],
        "operationId": "trackScreen",
        "summary": "Record a screen view (app, mini program)",
        "security": [{ "writeKeyBasic": [] }, { "writeKeyHeader": [] }, {}],
        "parameters": [{ "$ref": "#/components/parameters/ContentEncoding" }],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": { "allOf": [{ "$ref": "#/components/schemas/ScreenMessage" }, { "$ref": "#/components/schemas/WriteKeyInBody" }] }
            }
          }
        },
        "responses": {
          "200": { "$ref": "#/components/responses/TrackingSuccess" },
          "400": { "$ref": "#/components/responses/TrackingBadRequest" },
          "401": { "$ref": "#/components/responses/TrackingUnauthorized" },
          "413": { "$ref": "#/components/responses/TrackingTooLarge" },
          "415": { "$ref": "#/components/responses/TrackingUnsupportedEncoding" },
          "429": { "$ref": "#/components/responses/TrackingOverloaded" },
          "500": { "$ref": "#/components/responses/InternalError" }
        }
      }
    },
    "/v1/group": {
      "post": {
        "tags": ["Tracking"],
        "operationId": "trackGroup",
        "summary": "Associate a person with a group (company, household, store)",
        "description": "`groupId` is required. The top-level `traits` of a group call describe the group, not the person, and are not applied to the profile; `groupId` is not an identity of the person.",
        "security": [{ "writeKeyBasic": [] }, { "writeKeyHeader": [] }, {}],
        "parameters": [{ "$ref": "#/components/parameters/ContentEncoding" }],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": { "allOf": [{ "$ref": "#/components/schemas/GroupMessage" }, { "$ref": "#/components/schemas/WriteKeyInBody" }] }
            }
          }
        },
        "responses": {
          "200": { "$ref": "#/components/responses/TrackingSuccess" },
          "400": { "$ref": "#/components/responses/TrackingBadRequest" },
          "401": { "$ref": "#/components/responses/TrackingUnauthorized" },
          "413": { "$ref": "#/components/responses/TrackingTooLarge" },
          "415": { "$ref": "#/components/responses/TrackingUnsupportedEncoding" },
          "429": { "$ref": "#/components/responses/TrackingOverloaded" },
          "500": { "$ref": "#/components/responses/InternalError" }
        }
      }
    },
    "/v1/alias": {
      "post": {
        "tags": ["Tracking"],
        "operationId": "trackAlias",
        "summary": "Link a previous id to a user id",
        "description": "Requires a usable `userId` and `previousId`. `previousId` is matched as an earlier `user_id`, else as an `anonymous_id` (and taken as an anonymous id when Pond has seen neither), and linked to `userId`'s profile.",
        "security": [{ "writeKeyBasic": [] }, { "writeKeyHeader": [] }, {}],
        "parameters": [{ "$ref": "#/components/parameters/ContentEncoding" }],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": { "allOf": [{ "$ref": "#/components/schemas/AliasMessage" }, { "$ref": "#/components/schemas/WriteKeyInBody" }] },
              "example": { "previousId": "d1f0c9e2-anon", "userId": "u_10086", "messageId": "a1b2c3d4-alias-0001" }
            }
          }
        },
        "responses": {
          "200": { "$ref": "#/components/responses/TrackingSuccess" },
          "400": { "$ref": "#/components/responses/TrackingBadRequest" },
          "401": { "$ref": "#/components/responses/TrackingUnauthorized" },
          "413": { "$ref": "#/components/responses/TrackingTooLarge" },
          "415": { "$ref": "#/components/responses/TrackingUnsupportedEncoding" },
          "429": { "$ref": "#/components/responses/TrackingOverloaded" },
          "500": { "$ref": "#/components/responses/InternalError" }
        }
      }
    },
    "/api/v1/workspaces": {
      "post": {
        "tags": ["Workspaces"],
        "operationId": "createWorkspace",
        "summary": "Create a workspace (root key)",
        "description": "Creates a workspace with one admin key (`default admin`) and one write key (`default write`, source `default`, channel `server`). The two secrets are returned only here; Pond stores only their hashes. Only available when the server was started with `--root-key` (or `POND_ROOT_KEY`).",
        "security": [{ "rootKey": [] }],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "type": "object",
                "required": ["name"],
                "properties": {
                  "name": { "type": "string", "minLength": 1, "maxLength": 200, "description": "Display name; surrounding whitespace is trimmed." },
                  "uniqueIdentityTypes": { "$ref": "#/components/schemas/UniqueIdentityTypes" }
                }
              },
              "example": { "name": "Acme Coffee 上海", "uniqueIdentityTypes": ["user_id", "member_id"] }
            }
          }
        },
        "responses": {
          "201": {
            "description": "Created. Store `adminKey` and `writeKey` now: they cannot be shown again.",
            "content": { "application/json": { "schema": { "$ref": "#/components/schemas/CreatedWorkspace" } } }
          },
          "400": { "$ref": "#/components/responses/InvalidBody" },
          "401": {
            "description": "`unauthorized`: the root key is missing or wrong.",
            "content": { "application/json": { "schema": { "allOf": [{ "$ref": "#/components/schemas/Error" }, { "properties": { "code": { "enum": ["unauthorized"] } } }] } } }
          },
          "403": {
            "description": "`root_key_not_configured`: the server runs without a root key, so workspaces can only be created with `pond workspace` on the server.",
            "content": { "application/json": { "schema": { "allOf": [{ "$ref": "#/components/schemas/Error" }, { "properties": { "code": { "enum": ["root_key_not_configured"] } } }] } } }
          },
          "413": { "$ref": "#/components/responses/BodyTooLarge" },
          "500": { "$ref": "#/components/responses/InternalError" }
        }
      }
    },
    "/api/v1/workspace": {
      "get": {
        "tags": ["Workspaces"],
        "operationId": "getWorkspace",
        "summary": "The admin key's workspace",
        "security": [{ "adminKey": [] }],
        "responses": {
          "200": { "description": "The workspace.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Workspace" } } } },
          "401": { "$ref": "#/components/responses/AdminUnauthorized" },
          "404": { "$ref": "#/components/responses/NotFound" },
          "500": { "$ref": "#/components/responses/InternalError" }
        }
      },
      "patch": {
        "tags": ["Workspaces"],
        "operationId": "updateWorkspaceSettings",
        "summary": "Update workspace settings",
        "description": "Only `uniqueIdentityTypes` can be changed; a missing field (or an empty body) leaves the settings as they are. Applies to events stitched from now on; existing profiles and merges are not re-evaluated.",
        "security": [{ "adminKey": [] }],
        "requestBody": {
          "required": false,
          "content": {
            "application/json": {
              "schema": {
                "type": "object",
                "properties": { "uniqueIdentityTypes": { "$ref": "#/components/schemas/UniqueIdentityTypes" } }
              },
              "example": { "uniqueIdentityTypes": ["user_id", "member_id", "wecom_external_userid"] }
            }
          }
        },
        "responses": {
          "200": { "description": "The workspace with its new settings.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Workspace" } } } },
          "400": { "$ref": "#/components/responses/InvalidBody" },
          "401": { "$ref": "#/components/responses/AdminUnauthorized" },
          "404": { "$ref": "#/components/responses/NotFound" },
          "413": { "$ref": "#/components/responses/BodyTooLarge" },
          "500": { "$ref": "#/components/responses/InternalError" }
        }
      }
    },
    "/api/v1/keys": {
      "get": {
        "tags": ["Keys"],
        "operationId": "listKeys",
        "summary": "List the workspace's keys",
        "description": "All keys, revoked ones included (with `revokedAt`), oldest first. Secrets are never returned; `prefix` tells keys apart.",
        "security": [{ "adminKey": [] }],
        "responses": {
          "200": {
            "description": "The keys.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "required": ["keys"],
                  "properties": { "keys": { "type": "array", "items": { "$ref": "#/components/schemas/APIKey" } } }
                }
              }
            }
          },
          "401": { "$ref": "#/components/responses/AdminUnauthorized" },
          "500": { "$ref": "#/components/responses/InternalError" }
        }
      },
      "post": {
        "tags": ["Keys"],
        "operationId": "issueKey",
        "summary": "Issue a key",
        "description": "Issue one write key per data source (mini program, each POS, WeCom sidebar, …) so every event records where it came from and a leaked key can be revoked alone. The secret is returned only in this response.",
        "security": [{ "adminKey": [] }],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "type": "object",
                "required": ["kind"],
                "properties": {
                  "kind": { "type": "string", "enum": ["write", "admin"], "description": "`write`: tracking API only, safe to embed in a mini program or POS. `admin`: management API of this workspace." },
                  "name": { "type": "string", "minLength": 1, "maxLength": 100, "description": "Defaults to `write key` / `admin key`." },
                  "source": { "type": "string", "minLength": 1, "maxLength": 100, "default": "api", "description": "Recorded on every event sent with this key, e.g. `mini-program`, `pos-shanghai-01`." },
                  "channel": { "type": "string", "minLength": 1, "maxLength": 100, "default": "server", "description": "Default channel of events sent with this key (`mini_program`, `wecom`, `offline_store`, `tmall`, …); a message's `context.channel` or `channel` overrides it." }
                }
              },
              "example": { "kind": "write", "name": "POS 上海01", "source": "pos-shanghai-01", "channel": "offline_store" }
            }
          }
        },
        "responses": {
          "201": {
            "description": "Issued. Store `secret` now: it cannot be shown again.",
            "content": { "application/json": { "schema": { "$ref": "#/components/schemas/IssuedAPIKey" } } }
          },
          "400": { "$ref": "#/components/responses/InvalidBody" },
          "401": { "$ref": "#/components/responses/AdminUnauthorized" },
          "413": { "$ref": "#/components/responses/BodyTooLarge" },
          "500": { "$ref": "#/components/responses/InternalError" }
        }
      }
    },
    "/api/v1/keys/{id}": {
      "delete": {
        "tags": ["Keys"],
        "operationId": "revokeKey",
        "summary": "Revoke a key",
        "description": "Effective at once on the server that handles the call, and within about 10 seconds on other Pond servers sharing the database (they cache key look-ups). The key stays listed with `revokedAt`. Nothing stops an admin key from revoking itself.",
        "security": [{ "adminKey": [] }],
        "parameters": [
          { "name": "id", "in": "path", "required": true, "description": "Key id (`key_…`), not the secret.", "schema": { "type": "string" } }
        ],
        "responses": {
          "200": {
            "description": "Revoked.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "required": ["id", "revoked"],
                  "properties": { "id": { "type": "string" }, "revoked": { "const": true } }
                }
              }
            }
          },
          "401": { "$ref": "#/components/responses/AdminUnauthorized" },
          "404": { "description": "`not_found`: no live key with this id in the workspace (unknown, or already revoked).", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/NotFoundError" } } } },
          "500": { "$ref": "#/components/responses/InternalError" }
        }
      }
    },
    "/api/v1/profiles": {
      "get": {
        "tags": ["Profiles"],
        "operationId": "listProfiles",
        "summary": "List, search, or look up profiles by identity",
        "description": "Two modes:\n\n* With `identity`: returns the single **Profile** holding that identity (normalised first, so `phone:13800138000` finds `+8613800138000`), or 404. `q`, `after` and `limit` are ignored.\n* Without: a page of **ProfileList**, in ascending profile id order. With `q`, only profiles holding an identity whose stored (normalised) value starts with `q`; phones are stored as `+86…`, so search `+86138` rather than `138`.\n\nPage with `after` = the previous page's `nextCursor`; `nextCursor` is null on the last page (a full last page may be followed by one empty page).",
        "security": [{ "adminKey": [] }],
        "parameters": [
          { "name": "identity", "in": "query", "required": false, "description": "`type:value`, or `wechat_openid:APPID:VALUE` for openids.", "schema": { "type": "string" }, "examples": { "phone": { "value": "phone:13800138000" }, "openid": { "value": "wechat_openid:wx1234abcd:o-AbC123" }, "member": { "value": "member_id:VIP000123" } } },
          { "name": "q", "in": "query", "required": false, "description": "Prefix of any identity value.", "schema": { "type": "string" } },
          { "name": "after", "in": "query", "required": false, "description": "Cursor: return profiles with an id greater than this (the previous page's `nextCursor`).", "schema": { "type": "integer", "format": "int64" } },
          { "name": "limit", "in": "query", "required": false, "schema": { "type": "integer", "minimum": 1, "maximum": 200, "default": 50 } }
        ],
        "responses": {
          "200": {
            "description": "A `ProfileList` page, or a single `Profile` when `identity` is given.",
            "content": {
              "application/json": {
                "schema": { "oneOf": [{ "$ref": "#/components/schemas/ProfileList" }, { "$ref": "#/components/schemas/Profile" }] }
              }
            }
          },
          "400": {
            "description": "`invalid_request`: bad `limit` or `after`, or `identity` not shaped `type:value`. `invalid_identity`: the identity type or value is invalid (bad type name, placeholder value, malformed phone or e-mail).",
            "content": { "application/json": { "schema": { "allOf": [{ "$ref": "#/components/schemas/Error" }, { "properties": { "code": { "enum": ["invalid_request", "invalid_identity"] } } }] } } }
          },
          "401": { "$ref": "#/components/responses/AdminUnauthorized" },
          "404": { "description": "`not_found`: no profile holds the `identity`.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/NotFoundError" } } } },
          "500": { "$ref": "#/components/responses/InternalError" }
        }
      }
    },
    "/api/v1/profiles/{id}": {
      "get": {
        "tags": ["Profiles"],
        "operationId": "getProfile",
        "summary": "Get a unified profile",
        "description": "The id of any profile of a merged cluster returns the whole cluster under its root id, so the returned `id` may differ from the one requested (the requested id is then in `mergedProfileIds`).",
        "security": [{ "adminKey": [] }],
        "parameters": [{ "$ref": "#/components/parameters/ProfileId" }],
        "responses": {
          "200": { "description": "The profile.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Profile" } } } },
          "400": { "$ref": "#/components/responses/InvalidId" },
          "401": { "$ref": "#/components/responses/AdminUnauthorized" },
          "404": { "$ref": "#/components/responses/NotFound" },
          "500": { "$ref": "#/components/responses/InternalError" }
        }
      }
    },
    "/api/v1/profiles/{id}/events": {
      "get": {
        "tags": ["Profiles"],
        "operationId": "getProfileTimeline",
        "summary": "Timeline: the cluster's events across all channels, newest first",
        "description": "Ordered by corrected `timestamp`, then `seq`, descending. Page with `cursor` = the previous page's `nextCursor`; it is null when the page was not full.",
        "security": [{ "adminKey": [] }],
        "parameters": [
          { "$ref": "#/components/parameters/ProfileId" },
          { "name": "limit", "in": "query", "required": false, "schema": { "type": "integer", "minimum": 1, "maximum": 500, "default": 50 } },
          { "name": "cursor", "in": "query", "required": false, "description": "Opaque cursor from `nextCursor` (currently `<timestamp ms>_<seq>`).", "schema": { "type": "string" } }
        ],
        "responses": {
          "200": {
            "description": "A page of events.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "required": ["events", "nextCursor"],
                  "properties": {
                    "events": { "type": "array", "items": { "$ref": "#/components/schemas/TimelineEvent" } },
                    "nextCursor": { "type": ["string", "null"] }
                  }
                }
              }
            }
          },
          "400": {
            "description": "`invalid_request`: `id` is not an integer, `limit` is out of range, or `cursor` was not returned by this endpoint.",
            "content": { "application/json": { "schema": { "$ref": "#/components/schemas/InvalidRequestError" } } }
          },
          "401": { "$ref": "#/components/responses/AdminUnauthorized" },
          "404": { "$ref": "#/components/responses/NotFound" },
          "500": { "$ref": "#/components/responses/InternalError" }
        }
      }
    },
    "/api/v1/profiles/{id}/traits/{key}/history": {
      "get": {
        "tags": ["Profiles"],
        "operationId": "getTraitHistory",
        "summary": "Every recorded value of one trait, oldest first",
        "description": "Across all profiles of the cluster. A change is recorded when an event carries a value different from the profile's current one. An unknown key returns an empty list.",
        "security": [{ "adminKey": [] }],
        "parameters": [
          { "$ref": "#/components/parameters/ProfileId" },
          { "name": "key", "in": "path", "required": true, "description": "Trait name, e.g. `vip_level`.", "schema": { "type": "string" } }
        ],
        "responses": {
          "200": {
            "description": "The history.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "required": ["history"],
                  "properties": { "history": { "type": "array", "items": { "$ref": "#/components/schemas/TraitChange" } } }
                }
              }
            }
          },
          "400": { "$ref": "#/components/responses/InvalidId" },
          "401": { "$ref": "#/components/responses/AdminUnauthorized" },
          "404": { "$ref": "#/components/responses/NotFound" },
          "500": { "$ref": "#/components/responses/InternalError" }
        }
      }
    },
    "/api/v1/profiles/{id}/merges": {
      "get": {
        "tags": ["Merges and conflicts"],
        "operationId": "getProfileMerges",
        "summary": "Merges involving this profile's cluster, newest first",
        "description": "Includes undone merges (with `undoneAt`). Not paginated.",
        "security": [{ "adminKey": [] }],
        "parameters": [{ "$ref": "#/components/parameters/ProfileId" }],
        "responses": {
          "200": {
            "description": "The merges.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "required": ["merges"],
                  "properties": { "merges": { "type": "array", "items": { "$ref": "#/components/schemas/MergeRecord" } } }
                }
              }
            }
          },
          "400": { "$ref": "#/components/responses/InvalidId" },
          "401": { "$ref": "#/components/responses/AdminUnauthorized" },
          "404": { "$ref": "#/components/responses/NotFound" },
          "500": { "$ref": "#/components/responses/InternalError" }
        }
      }
    },
    "/api/v1/profiles/{id}/conflicts": {
      "get": {
        "tags": ["Merges and conflicts"],
        "operationId": "getProfileConflicts",
        "summary": "Links refused for this profile's cluster, most recent first",
        "description": "At most 100.",
        "security": [{ "adminKey": [] }],
        "parameters": [{ "$ref": "#/components/parameters/ProfileId" }],
        "responses": {
          "200": { "$ref": "#/components/responses/ConflictList" },
          "400": { "$ref": "#/components/responses/InvalidId" },
          "401": { "$ref": "#/components/responses/AdminUnauthorized" },
          "404": { "$ref": "#/components/responses/NotFound" },
          "500": { "$ref": "#/components/responses/InternalError" }
        }
      }
    },
    "/api/v1/identity-conflicts": {
      "get": {
        "tags": ["Merges and conflicts"],
        "operationId": "listIdentityConflicts",
        "summary": "Links refused across the workspace, most recent first",
        "description": "The review queue for ID-Mapping: each entry is a link the stitcher would not make (a second value of a unique identity type, typically a shared device in a store, or profiles an operator unmerged).",
        "security": [{ "adminKey": [] }],
        "parameters": [
          { "name": "limit", "in": "query", "required": false, "schema": { "type": "integer", "minimum": 1, "maximum": 1000, "default": 100 } }
        ],
        "responses": {
          "200": { "$ref": "#/components/responses/ConflictList" },
          "400": {
            "description": "`invalid_request`: `limit` is out of range.",
            "content": { "application/json": { "schema": { "$ref": "#/components/schemas/InvalidRequestError" } } }
          },
          "401": { "$ref": "#/components/responses/AdminUnauthorized" },
          "500": { "$ref": "#/components/responses/InternalError" }
        }
      }
    },
    "/api/v1/merges/{id}": {
      "get": {
        "tags": ["Merges and conflicts"],
        "operationId": "getMerge",
        "summary": "Get a merge",
        "security": [{ "adminKey": [] }],
        "parameters": [
          { "name": "id", "in": "path", "required": true, "description": "Merge id.", "schema": { "type": "integer", "format": "int64" } }
        ],
        "responses": {
          "200": { "description": "The merge.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/MergeRecord" } } } },
          "400": { "$ref": "#/components/responses/InvalidId" },
          "401": { "$ref": "#/components/responses/AdminUnauthorized" },
          "404": { "$ref": "#/components/responses/NotFound" },
          "500": { "$ref": "#/components/responses/InternalError" }
        }
      }
    },
    "/api/v1/merges/{id}/undo": {
      "post": {
        "tags": ["Merges and conflicts"],
        "operationId": "undoMerge",
        "summary": "Undo a merge (拆分)",
        "description": "Separates the merged side (and whatever had been merged into it) from the survivor again. Nothing is copied or lost: events, identities and traits always stay on the profile that first held them. The pair is then blocked, so later events linking them are recorded as `merge_blocked` conflicts instead of merging again. No request body.",
        "security": [{ "adminKey": [] }],
        "parameters": [
          { "name": "id", "in": "path", "required": true, "description": "Merge id.", "schema": { "type": "integer", "format": "int64" } }
        ],
        "responses": {
          "200": { "description": "The merge, now with `undoneAt` and `undoneBy` (`key:<admin key id>`).", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/MergeRecord" } } } },
          "400": { "$ref": "#/components/responses/InvalidId" },
          "401": { "$ref": "#/components/responses/AdminUnauthorized" },
          "404": { "$ref": "#/components/responses/NotFound" },
          "409": {
            "description": "`already_undone`: this merge was already undone.",
            "content": { "application/json": { "schema": { "allOf": [{ "$ref": "#/components/schemas/Error" }, { "properties": { "code": { "enum": ["already_undone"] } } }] } } }
          },
          "500": { "$ref": "#/components/responses/InternalError" }
        }
      }
    },
    "/api/v1/imports": {
      "post": {
        "tags": ["Imports"],
        "operationId": "importCSV",
        "summary": "Import orders or customers from a CSV export",
        "description": "The body is the CSV file itself, UTF-8 (Excel's \"CSV UTF-8\"; GB18030/GBK files are refused with a hint to convert them), at most 50 MB before and after decompression; bigger files go through `pond import`, which streams.\n\n* `kind=orders`: each order becomes a `track` event `Order Completed` (or the event `statusEvents` gives its status) with `order_id`, `revenue`, `currency`, `products`, `quantity`, `status`. Consecutive rows with the same order id are one order with several items.\n* `kind=customers`: each row becomes an `identify` call whose traits are the mapped columns.\n\nImported events go through the same dedup, stitching and profiles as tracking data, with source `import:<preset>`. Message ids are deterministic, so importing the same file again stores only what is missing. Identity cells that are placeholders, malformed or masked (`138****8000`) are not used; a row left without a usable identity is rejected.\n\nThe file is checked first: an unparseable file (`invalid_csv`) or a mapping that does not fit the header (`invalid_mapping`) is refused before anything is stored. Then rows are converted and stored in chunks; rows that cannot be used are listed in the report and the rest are stored, so a 200 may come with rejected rows. The request returns when the import is done; profiles update shortly after.",
        "security": [{ "adminKey": [] }],
        "parameters": [
          { "name": "kind", "in": "query", "required": true, "schema": { "type": "string", "enum": ["orders", "customers"] } },
          { "name": "preset", "in": "query", "required": false, "description": "Column mapping of a known export: `tmall` (天猫/淘宝 订单报表, customer lists), `jd` (京东 POP order export, member lists), `pos` (point-of-sale receipt lines), `generic` (common English or Chinese headers). Also sets the default channel (`tmall`, `jd`, `offline_store`, `import`/`crm`).", "schema": { "type": "string", "enum": ["tmall", "jd", "pos", "generic"], "default": "generic" } },
          { "name": "mapping", "in": "query", "required": false, "description": "URL-encoded JSON mapping laid over the preset's. Give it here or in `X-Pond-Mapping`, not both.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ImportMapping" } } } },
          { "name": "X-Pond-Mapping", "in": "header", "required": false, "description": "The same mapping as a header: raw JSON, or percent-encoded JSON (needed for Chinese column names).", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ImportMapping" } } } },
          { "name": "delimiter", "in": "query", "required": false, "description": "Shortcut for the mapping's `delimiter`.", "schema": { "type": "string", "enum": ["comma", "tab", "semicolon"] } },
          { "name": "Content-Encoding", "in": "header", "required": false, "description": "The CSV may be compressed with `gzip` (`x-gzip`) or zlib `deflate`.", "schema": { "type": "string", "enum": ["identity", "gzip", "x-gzip", "deflate"], "default": "identity" } }
        ],
        "requestBody": {
          "required": true,
          "description": "`Content-Type: text/csv` (a missing Content-Type is accepted). JSON, multipart and form bodies are refused: send the file itself.",
          "content": {
            "text/csv": {
              "schema": { "type": "string" },
              "example": "订单编号,买家实际支付金额,订单付款时间,联系手机,订单状态\n=\"3051234567890123\",299.00,2026-11-22 12:16:24,13800138000,交易成功\n"
            }
          }
        },
        "responses": {
          "200": { "description": "The import report.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ImportReport" } } } },
          "400": {
            "description": "`invalid_request`: `kind`, `preset` or `delimiter` missing or unknown. `invalid_mapping`: the mapping is not valid JSON, has an unknown key or a wrong type, was given both in the query and the header, or does not fit the file (a named column is missing, no identity column, no order id/amount/time column for orders, …). `invalid_csv`: the file is empty, not valid gzip/deflate, or not well-formed CSV; for the latter `row`, `line` and `reason` locate the problem. Nothing was stored.",
            "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ImportError" } } }
          },
          "401": { "$ref": "#/components/responses/AdminUnauthorized" },
          "413": { "description": "`payload_too_large`: the CSV is over 50 MB, compressed or decompressed; use `pond import`.", "content": { "application/json": { "schema": { "allOf": [{ "$ref": "#/components/schemas/Error" }, { "properties": { "code": { "enum": ["payload_too_large"] } } }] } } } },
          "415": {
            "description": "`unsupported_media_type`: the body was sent as JSON, multipart or a form instead of the CSV itself. `unsupported_encoding`: a `charset` other than UTF-8, or an unsupported `Content-Encoding`.",
            "content": { "application/json": { "schema": { "allOf": [{ "$ref": "#/components/schemas/Error" }, { "properties": { "code": { "enum": ["unsupported_media_type", "unsupported_encoding"] } } }] } } }
          },
          "429": { "description": "`overloaded`: the ingestion backlog stayed full while importing. Chunks stored before this are kept; run the same import again to store the rest.", "headers": { "Retry-After": { "description": "Seconds to wait; always 1.", "schema": { "type": "integer" } } }, "content": { "application/json": { "schema": { "allOf": [{ "$ref": "#/components/schemas/Error" }, { "properties": { "code": { "enum": ["overloaded"] } } }] } } } },
          "500": { "$ref": "#/components/responses/InternalError" }
        }
      }
    },
    "/healthz": {
      "get": {
        "tags": ["Operations"],
        "operationId": "health",
        "summary": "Health check for load balancers",
        "description": "Reads the database, so a server whose database is unreachable answers 500.",
        "security": [],
        "responses": {
          "200": {
            "description": "Healthy.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "required": ["status", "pendingEvents"],
                  "properties": {
                    "status": { "const": "ok" },
                    "pendingEvents": { "type": "integer", "minimum": 0, "description": "Events accepted but not yet stitched to a profile, across all workspaces." }
                  }
                },
                "example": { "status": "ok", "pendingEvents": 0 }
              }
            }
          },
          "500": { "$ref": "#/components/responses/InternalError" }
        }
      }
    },
    "/metrics": {
      "get": {
        "tags": ["Operations"],
        "operationId": "metrics",
        "summary": "Prometheus metrics",
        "security": [],
        "responses": {
          "200": {
            "description": "Prometheus text exposition format 0.0.4, including `pond_events_pending`.",
            "content": { "text/plain": { "schema": { "type": "string" } } }
          },
          "500": { "$ref": "#/components/responses/InternalError" }
        }
      }
    },
    "/api/v1/openapi.json": {
      "get": {
        "tags": ["Operations"],
        "operationId": "openAPIDocument",
        "summary": "This document",
        "security": [],
        "responses": {
          "200": { "description": "The OpenAPI 3.1 document.", "content": { "application/json": { "schema": { "type": "object" } } } }
        }
      }
    }
  },
  "components": {
    "securitySchemes": {
      "adminKey": {
        "type": "http",
        "scheme": "bearer",
        "description": "A workspace admin key (`pk_admin_…`) as `Authorization: Bearer KEY`. Every call is scoped to that key's workspace. Keep it on servers; never ship it in an app or mini program."
      },
      "rootKey": {
        "type": "http",
        "scheme": "bearer",
        "description": "The operator's root key (`--root-key` / `POND_ROOT_KEY`) as `Authorization: Bearer KEY`. It can only create workspaces."
      },
      "writeKeyBasic": {
        "type": "http",
        "scheme": "basic",
        "description": "What the Segment and RudderStack SDKs send: the write key (`pk_write_…`) as the Basic auth user name with an empty password, `Authorization: Basic base64(KEY:)`. Alternatives: the `X-Write-Key` header, or `writeKey` in the JSON body (used only when no key is sent in a header)."
      },
      "writeKeyHeader": {
        "type": "apiKey",
        "in": "header",
        "name": "X-Write-Key",
        "description": "The write key in a header; takes precedence over Basic auth and over `writeKey` in the body."
      }
    },
    "parameters": {
      "ContentEncoding": {
        "name": "Content-Encoding",
        "in": "header",
        "required": false,
        "description": "Request bodies may be compressed with `gzip` (`x-gzip`) or zlib `deflate`. The size limit applies to the body both before and after decompression.",
        "schema": { "type": "string", "enum": ["identity", "gzip", "x-gzip", "deflate"], "default": "identity" }
      },
      "ProfileId": {
        "name": "id",
        "in": "path",
        "required": true,
        "description": "Profile id. The id of any profile merged into a cluster works and resolves to the whole cluster.",
        "schema": { "type": "integer", "format": "int64" }
      }
    },
    "responses": {
      "TrackingSuccess": {
        "description": "Accepted and durably stored. Success is always exactly `200 {\"success\":true}`, written only after the batch is committed: the official Segment and RudderStack SDKs treat any other status, even 204, as a failure and send the batch again. Messages whose `messageId` was already accepted in this workspace are skipped silently (deduplication), so resending is always safe.",
        "content": {
          "application/json": {
            "schema": {
              "type": "object",
              "required": ["success"],
              "properties": { "success": { "const": true } }
            },
            "example": { "success": true }
          }
        }
      },
      "TrackingBadRequest": {
        "description": "The request can never succeed as sent; SDKs drop it instead of retrying. `invalid_json`: the body (after decompression) is not a JSON object, or is not valid gzip/deflate data. `invalid_message`: a field has the wrong type or a required field is missing (`batch`, `type`, `event` for track, `groupId` for group, `previousId` for alias, an unparseable ISO 8601 `timestamp`/`sentAt`, a `messageId` over 256 bytes, …). `missing_identity`: no usable `userId` or `anonymousId` (placeholders like `\"null\"` or `\"0\"` do not count), or an alias without a usable `userId`. For `/v1/batch`, `index` is the position of the first rejected message and nothing of the batch is stored.",
        "content": {
          "application/json": {
            "schema": { "allOf": [{ "$ref": "#/components/schemas/Error" }, { "properties": { "code": { "enum": ["invalid_json", "invalid_message", "missing_identity"] } } }] },
            "example": { "code": "invalid_message", "message": "batch[3]: track requires a non-empty 'event'", "index": 3 }
          }
        }
      },
      "TrackingUnauthorized": {
        "description": "`missing_write_key`: no write key in `Authorization: Basic`, `X-Write-Key` or the body. `invalid_write_key`: the key is unknown, revoked, not a write key, or the Basic header is not valid base64.",
        "content": {
          "application/json": {
            "schema": { "allOf": [{ "$ref": "#/components/schemas/Error" }, { "properties": { "code": { "enum": ["missing_write_key", "invalid_write_key"] } } }] }
          }
        }
      },
      "TrackingTooLarge": {
        "description": "`payload_too_large`: the body is over the server's limit (500 KB by default, `--max-batch-bytes`), compressed or decompressed, or a batch has more than 2,500 messages. `message_too_large`: one message is over 32 KB (`--max-message-bytes`), measured as stored, i.e. including batch-level `context` merged into it and the fields Pond adds; `index` names it in a batch. Split the batch and resend.",
        "content": {
          "application/json": {
            "schema": { "allOf": [{ "$ref": "#/components/schemas/Error" }, { "properties": { "code": { "enum": ["payload_too_large", "message_too_large"] } } }] }
          }
        }
      },
      "TrackingUnsupportedEncoding": {
        "description": "`unsupported_encoding`: `Content-Encoding` other than gzip, x-gzip, deflate or identity.",
        "content": {
          "application/json": {
            "schema": { "allOf": [{ "$ref": "#/components/schemas/Error" }, { "properties": { "code": { "enum": ["unsupported_encoding"] } } }] }
          }
        }
      },
      "TrackingOverloaded": {
        "description": "`overloaded`: the ingestion backlog is full; nothing was stored. Retry with backoff (the SDKs do).",
        "headers": {
          "Retry-After": { "description": "Seconds to wait; always 1.", "schema": { "type": "integer" } }
        },
        "content": {
          "application/json": {
            "schema": { "allOf": [{ "$ref": "#/components/schemas/Error" }, { "properties": { "code": { "enum": ["overloaded"] } } }] }
          }
        }
      },
      "InternalError": {
        "description": "`internal_error`: an unexpected server-side failure (for example the database is unreachable). Safe to retry; tracking retries are deduplicated by `messageId`.",
        "content": {
          "application/json": {
            "schema": { "allOf": [{ "$ref": "#/components/schemas/Error" }, { "properties": { "code": { "enum": ["internal_error"] } } }] }
          }
        }
      },
      "AdminUnauthorized": {
        "description": "`unauthorized`: no `Authorization: Bearer` header, or the key is unknown, revoked, or not an admin key.",
        "content": {
          "application/json": {
            "schema": { "allOf": [{ "$ref": "#/components/schemas/Error" }, { "properties": { "code": { "enum": ["unauthorized"] } } }] }
          }
        }
      },
      "NotFound": {
        "description": "`not_found`: no such object in the admin key's workspace.",
        "content": { "application/json": { "schema": { "$ref": "#/components/schemas/NotFoundError" } } }
      },
      "InvalidId": {
        "description": "`invalid_request`: the `id` in the path is not an integer.",
        "content": { "application/json": { "schema": { "$ref": "#/components/schemas/InvalidRequestError" } } }
      },
      "InvalidBody": {
        "description": "`invalid_json`: the body is not a JSON object. `invalid_request`: a field is missing or invalid; `message` says which.",
        "content": {
          "application/json": {
            "schema": { "allOf": [{ "$ref": "#/components/schemas/Error" }, { "properties": { "code": { "enum": ["invalid_request", "invalid_json"] } } }] }
          }
        }
      },
      "BodyTooLarge": {
        "description": "`payload_too_large`: management request bodies are limited to 1 MiB.",
        "content": {
          "application/json": {
            "schema": { "allOf": [{ "$ref": "#/components/schemas/Error" }, { "properties": { "code": { "enum": ["payload_too_large"] } } }] }
          }
        }
      },
      "ConflictList": {
        "description": "The conflicts.",
        "content": {
          "application/json": {
            "schema": {
              "type": "object",
              "required": ["conflicts"],
              "properties": { "conflicts": { "type": "array", "items": { "$ref": "#/components/schemas/Conflict" } } }
            }
          }
        }
      }
    },
    "schemas": {
      "Error": {
        "type": "object",
        "description": "Every error response. `code` is stable; `message` is for people.",
        "required": ["code", "message"],
        "properties": {
          "code": { "type": "string", "description": "Machine-readable reason, e.g. `invalid_message`, `not_found`." },
          "message": { "type": "string" },
          "index": { "type": "integer", "minimum": 0, "description": "Tracking API only: position in `batch` of the message that was rejected." }
        }
      },
      "NotFoundError": {
        "allOf": [{ "$ref": "#/components/schemas/Error" }, { "properties": { "code": { "enum": ["not_found"] } } }]
      },
      "InvalidRequestError": {
        "allOf": [{ "$ref": "#/components/schemas/Error" }, { "properties": { "code": { "enum": ["invalid_request"] } } }]
      },
      "Timestamp": {
        "type": "string",
        "format": "date-time",
        "description": "ISO 8601 UTC with milliseconds.",
        "examples": ["2026-11-22T04:16:24.123Z"]
      },
      "IdentityType": {
        "type": "string",
        "description": "Lower snake case (starting with a letter, at most 40 characters), optionally `:namespace` (1 to 64 of `A-Z a-z 0-9 _ - .`).",
        "pattern": "^[a-z][a-z0-9_]{0,39}(:[A-Za-z0-9_.\\-]{1,64})?$",
        "examples": ["member_id", "wechat_openid:wx1234abcd", "tmall_nick"]
      },
      "UniqueIdentityTypes": {
        "type": "array",
        "maxItems": 20,
        "items": { "$ref": "#/components/schemas/IdentityType" },
        "default": ["user_id", "member_id"],
        "description": "Identity types a profile may hold only one value of. A link that would give a profile a second value (two member cards meeting on one store tablet) is refused and recorded as a `unique_type` conflict instead of merging two customers. A base type also covers its namespaced forms."
      },
      "Identity": {
        "type": "object",
        "required": ["type", "value"],
        "properties": {
          "type": { "type": "string", "examples": ["phone"] },
          "value": { "type": "string", "description": "Normalised value.", "examples": ["+8613800138000"] }
        }
      },
      "ProfileIdentity": {
        "type": "object",
        "required": ["type", "value", "profileId", "firstSeen"],
        "properties": {
          "type": { "type": "string" },
          "value": { "type": "string" },
          "profileId": { "type": "integer", "format": "int64", "description": "The profile of the cluster that holds this identity (the root or a merged profile)." },
          "firstSeen": { "$ref": "#/components/schemas/Timestamp" }
        }
      },
      "Profile": {
        "type": "object",
        "description": "A unified customer: the root of a cluster of stitched profiles.",
        "required": ["id", "createdAt", "firstSeen", "lastSeen", "mergedProfileIds", "identities", "traits", "channels", "eventCount"],
        "properties": {
          "id": { "type": "integer", "format": "int64", "description": "Root profile id." },
          "createdAt": { "$ref": "#/components/schemas/Timestamp" },
          "firstSeen": { "type": ["string", "null"], "format": "date-time", "description": "Earliest event time across the cluster." },
          "lastSeen": { "type": ["string", "null"], "format": "date-time", "description": "Latest event time across the cluster." },
          "mergedProfileIds": { "type": "array", "items": { "type": "integer", "format": "int64" }, "description": "Other profiles merged into this one." },
          "identities": { "type": "array", "items": { "$ref": "#/components/schemas/ProfileIdentity" }, "description": "Sorted by type, then value." },
          "traits": { "type": "object", "additionalProperties": true, "description": "Current person traits: for each key the value from the latest event by event time across the cluster, so a late-arriving old event cannot overwrite a newer value." },
          "channels": { "type": "object", "additionalProperties": { "type": "integer" }, "description": "Channels the customer was seen on (小程序, 企业微信, 门店, 天猫 …) with event counts.", "examples": [{ "mini_program": 12, "offline_store": 3 }] },
          "eventCount": { "type": "integer", "description": "Events on the timeline (sum of `channels`)." }
        }
      },
      "ProfileList": {
        "type": "object",
        "required": ["profiles", "nextCursor"],
        "properties": {
          "profiles": { "type": "array", "items": { "$ref": "#/components/schemas/Profile" } },
          "nextCursor": { "type": ["string", "null"], "description": "Pass as `after` for the next page; null when the page was not full." }
        }
      },
      "TimelineEvent": {
        "type": "object",
        "description": "The message as the client sent it (every field kept, including ones Pond does not model), with the fields Pond normalised or added, plus where Pond filed it.",
        "required": ["type", "messageId", "userId", "anonymousId", "timestamp", "receivedAt", "seq", "profileId", "source", "channel"],
        "properties": {
          "type": { "type": "string", "enum": ["identify", "track", "page", "screen", "group", "alias"] },
          "messageId": { "type": "string", "description": "Client-sent, or generated by Pond when the client sent none." },
          "userId": { "type": ["string", "null"], "description": "As a string; null when absent or a placeholder." },
          "anonymousId": { "type": ["string", "null"] },
          "event": { "type": "string", "description": "track only." },
          "name": { "type": "string", "description": "page and screen." },
          "groupId": { "type": "string", "description": "group only." },
          "previousId": { "type": "string", "description": "alias only." },
          "properties": { "type": "object" },
          "traits": { "type": "object" },
          "context": { "type": "object", "description": "Including batch-level `context` merged in." },
          "timestamp": { "$ref": "#/components/schemas/Timestamp", "description": "Event time after clock-skew correction; see `originalTimestamp`." },
          "originalTimestamp": { "$ref": "#/components/schemas/Timestamp", "description": "The client's `timestamp`, when it sent one." },
          "sentAt": { "$ref": "#/components/schemas/Timestamp", "description": "The client's `sentAt` (message or batch level), when it sent one." },
          "receivedAt": { "$ref": "#/components/schemas/Timestamp", "description": "When Pond received the request." },
          "seq": { "type": "integer", "format": "int64", "description": "Position in the workspace's event log." },
          "profileId": { "type": ["integer", "null"], "format": "int64", "description": "The profile of the cluster the event is filed on (not necessarily the root)." },
          "source": { "type": "string", "description": "The `source` of the write key the event was sent with." },
          "channel": { "type": "string", "description": "`context.channel`, else the message's `channel`, else the write key's channel." }
        },
        "additionalProperties": true
      },
      "TraitChange": {
        "type": "object",
        "required": ["profileId", "key", "value", "at", "messageId"],
        "properties": {
          "profileId": { "type": "integer", "format": "int64" },
          "key": { "type": "string" },
          "value": { "description": "Any JSON value." },
          "at": { "$ref": "#/components/schemas/Timestamp", "description": "Event time of the message that set it." },
          "messageId": { "type": "string", "description": "The message that set it." }
        }
      },
      "MergeRecord": {
        "type": "object",
        "description": "Two clusters joined because an event linked them through `identity`. The older profile survives.",
        "required": ["id", "survivorId", "mergedId", "identity", "actor", "reason", "messageId", "at", "undoneAt", "undoneBy"],
        "properties": {
          "id": { "type": "integer", "format": "int64" },
          "survivorId": { "type": "integer", "format": "int64" },
          "mergedId": { "type": "integer", "format": "int64" },
          "identity": { "$ref": "#/components/schemas/Identity", "description": "The identity that linked them." },
          "actor": { "type": "string", "description": "`stitcher` for automatic merges." },
          "reason": { "type": "string", "examples": ["identify linked user_id:u_10086 and phone:+8613800138000"] },
          "messageId": { "type": ["string", "null"], "description": "The message that caused the merge." },
          "at": { "$ref": "#/components/schemas/Timestamp", "description": "When that message was received." },
          "undoneAt": { "type": ["string", "null"], "format": "date-time" },
          "undoneBy": { "type": ["string", "null"], "description": "`key:<admin key id>` of whoever undid it." }
        }
      },
      "Conflict": {
        "type": "object",
        "description": "A link the stitcher refused, kept for review. Repeated occurrences of the same refusal update one entry (`at`, `messageId`, `otherProfileId`).",
        "required": ["id", "kind", "profileId", "otherProfileId", "identity", "reason", "messageId", "at"],
        "properties": {
          "id": { "type": "integer", "format": "int64" },
          "kind": { "type": "string", "enum": ["unique_type", "merge_blocked"], "description": "`unique_type`: the link would give one profile two values of a unique identity type. `merge_blocked`: the two profiles were separated by an undo." },
          "profileId": { "type": "integer", "format": "int64", "description": "The profile (cluster root at the time) the event was anchored to." },
          "otherProfileId": { "type": ["integer", "null"], "format": "int64", "description": "The profile holding the identity, when it already belonged to another profile." },
          "identity": { "$ref": "#/components/schemas/Identity" },
          "reason": { "type": "string" },
          "messageId": { "type": "string", "description": "The latest message that caused it." },
          "at": { "$ref": "#/components/schemas/Timestamp", "description": "When that message was received." }
        }
      },
      "WorkspaceSettings": {
        "type": "object",
        "required": ["uniqueIdentityTypes"],
        "properties": { "uniqueIdentityTypes": { "$ref": "#/components/schemas/UniqueIdentityTypes" } }
      },
      "Workspace": {
        "type": "object",
        "required": ["id", "name", "createdAt", "settings"],
        "properties": {
          "id": { "type": "string", "examples": ["ws_a1B2c3D4e5F6"] },
          "name": { "type": "string" },
          "createdAt": { "$ref": "#/components/schemas/Timestamp" },
          "settings": { "$ref": "#/components/schemas/WorkspaceSettings" }
        }
      },
      "CreatedWorkspace": {
        "type": "object",
        "required": ["workspace", "adminKey", "writeKey"],
        "properties": {
          "workspace": { "$ref": "#/components/schemas/Workspace" },
          "adminKey": { "type": "string", "description": "Secret of the first admin key (`pk_admin_…`). Shown once." },
          "writeKey": { "type": "string", "description": "Secret of the first write key (`pk_write_…`). Shown once." }
        }
      },
      "APIKey": {
        "type": "object",
        "required": ["id", "kind", "name", "source", "channel", "prefix", "createdAt", "revokedAt"],
        "properties": {
          "id": { "type": "string", "examples": ["key_a1B2c3D4e5F6"] },
          "kind": { "type": "string", "enum": ["write", "admin"] },
          "name": { "type": "string" },
          "source": { "type": "string", "description": "Recorded on each event sent with this key." },
          "channel": { "type": "string", "description": "Default channel of events sent with this key." },
          "prefix": { "type": "string", "description": "First 16 characters of the secret, to tell keys apart.", "examples": ["pk_write_Xy12AbC"] },
          "createdAt": { "$ref": "#/components/schemas/Timestamp" },
          "revokedAt": { "type": ["string", "null"], "format": "date-time" }
        }
      },
      "IssuedAPIKey": {
        "allOf": [
          { "$ref": "#/components/schemas/APIKey" },
          {
            "type": "object",
            "required": ["secret"],
            "properties": { "secret": { "type": "string", "description": "The key itself (`pk_write_…` or `pk_admin_…`). Shown once." } }
          }
        ]
      },
      "ImportReport": {
        "type": "object",
        "required": ["kind", "preset", "channel", "source", "rows", "acceptedRows", "events", "rejectedCount", "rejected", "rejectedTruncated"],
        "properties": {
          "kind": { "type": "string", "enum": ["orders", "customers"] },
          "preset": { "type": "string", "enum": ["tmall", "jd", "pos", "generic"] },
          "channel": { "type": "string", "description": "Channel recorded on the imported events." },
          "source": { "type": "string", "description": "Source recorded on the imported events, `import:<preset>`." },
          "rows": { "type": "integer", "description": "Data rows in the file (header and blank lines excluded)." },
          "acceptedRows": { "type": "integer", "description": "Rows that became (part of) a stored message." },
          "events": { "type": "integer", "description": "Messages submitted: one per customer, one per order. Messages already stored by an earlier import are counted too and skipped by dedup." },
          "rejectedCount": { "type": "integer" },
          "rejected": {
            "type": "array",
            "description": "The first 1,000 rejected rows, in file order.",
            "items": {
              "type": "object",
              "required": ["row", "reason"],
              "properties": {
                "row": { "type": "integer", "description": "Row number as a spreadsheet shows it (the header is row 1)." },
                "reason": { "type": "string" }
              }
            }
          },
          "rejectedTruncated": { "type": "boolean", "description": "True when `rejected` lists fewer rows than `rejectedCount`." }
        }
      },
      "ImportError": {
        "allOf": [
          { "$ref": "#/components/schemas/Error" },
          {
            "type": "object",
            "properties": {
              "code": { "enum": ["invalid_request", "invalid_mapping", "invalid_csv"] },
              "row": { "type": "integer", "description": "`invalid_csv` only: 1-based record number (header = 1)." },
              "line": { "type": "integer", "description": "`invalid_csv` only: 1-based line of the file." },
              "reason": { "type": "string", "enum": ["unexpected_quote", "text_after_closing_quote", "unterminated_quote", "invalid_utf8", "unsupported_encoding", "field_too_long"], "description": "`invalid_csv` only." }
            }
          }
        ]
      },
      "ImportColumns": {
        "description": "A column name, or candidate column names best first (the first non-empty cell of a row wins). An empty list switches the role off.",
        "oneOf": [{ "type": "string" }, { "type": "array", "items": { "type": "string" } }]
      },
      "ImportColumnMap": {
        "type": "object",
        "description": "Column name → key. `null` removes the preset's entry for that column.",
        "additionalProperties": { "type": ["string", "null"] }
      },
      "ImportMapping": {
        "type": "object",
        "description": "Which column means what, laid over the preset's mapping: roles given here replace the preset's candidates, map entries are added or replaced. Columns named here must exist in the file (matched exactly, then case-insensitively).",
        "additionalProperties": false,
        "properties": {
          "channel": { "type": "string", "minLength": 1, "description": "Channel of every imported event (`tmall`, `jd`, `offline_store`, `crm`, …), at most 64 bytes." },
          "delimiter": { "type": "string", "enum": [",", "\t", ";", "comma", "tab", "semicolon"] },
          "orderId": { "$ref": "#/components/schemas/ImportColumns" },
          "amount": { "$ref": "#/components/schemas/ImportColumns" },
          "amountPerLine": { "type": "boolean", "default": false, "description": "True when each row of a multi-row order holds that item's amount (summed); false when every row repeats the order total (JD)." },
          "currency": { "type": "string", "default": "CNY", "description": "ISO 4217 code of every amount." },
          "timestamp": { "$ref": "#/components/schemas/ImportColumns" },
          "timestampFormat": { "type": "string", "default": "auto", "description": "`auto` (year-first shapes: ISO 8601, `2026-11-22 12:16:24`, `2026/1/5 9:03`, `2026年11月22日 12:16:24`, …), `iso8601`, `unix_seconds`, `unix_milliseconds`, or a pattern with `yyyy` `MM` `dd` and optionally `HH` `mm` `ss` `SSS`. Day-first dates need a pattern." },
          "utcOffset": { "type": "string", "default": "+08:00", "description": "Offset of times written without one." },
          "productId": { "$ref": "#/components/schemas/ImportColumns" },
          "sku": { "$ref": "#/components/schemas/ImportColumns" },
          "product": { "$ref": "#/components/schemas/ImportColumns" },
          "category": { "$ref": "#/components/schemas/ImportColumns" },
          "quantity": { "$ref": "#/components/schemas/ImportColumns" },
          "price": { "$ref": "#/components/schemas/ImportColumns" },
          "status": { "$ref": "#/components/schemas/ImportColumns" },
          "identities": { "$ref": "#/components/schemas/ImportColumnMap", "description": "Column → identity type (`phone`, `member_id`, `tmall_nick`, `wechat_openid:wx123…`). At least one identity column is required." },
          "traits": { "$ref": "#/components/schemas/ImportColumnMap", "description": "Column → trait key." },
          "properties": { "$ref": "#/components/schemas/ImportColumnMap", "description": "Column → property of the order event (orders only)." },
          "statusEvents": { "$ref": "#/components/schemas/ImportColumnMap", "description": "Order status value → event name; other statuses give `Order Completed`." }
        },
        "examples": [{ "orderId": "订单编号", "amount": ["买家实际支付金额", "总金额"], "identities": { "手机号": "phone", "会员号": "member_id", "联系手机": null }, "traits": { "会员等级": "member_level" }, "statusEvents": { "交易关闭": "Order Cancelled" }, "channel": "tmall" }]
      },
      "WriteKeyInBody": {
        "type": "object",
        "properties": {
          "writeKey": { "type": "string", "description": "The write key, for clients that cannot set headers. Ignored when a key is sent in a header; never stored with the message." }
        }
      },
      "ExternalId": {
        "type": "object",
        "description": "Segment-spec extra identity. For `wechat_openid`, `collection` is the app id and the identity becomes `wechat_openid:<collection>`.",
        "required": ["type", "id"],
        "properties": {
          "type": { "type": "string", "examples": ["wechat_openid", "member_id", "tmall_nick"] },
          "id": { "type": ["string", "integer"] },
          "collection": { "type": "string", "examples": ["wx1234abcd"] },
          "encoding": { "type": "string" }
        }
      },
      "MessageContext": {
        "type": "object",
        "description": "Free-form context; every field is stored. Pond reads these:",
        "properties": {
          "traits": { "type": "object", "description": "Person traits (where RudderStack SDKs put them). `phone`, `email`, `member_id`, `wechat_unionid` and `wecom_external_userid` are also read as identities." },
          "externalIds": { "type": "array", "items": { "$ref": "#/components/schemas/ExternalId" }, "description": "Extra identities, Segment style." },
          "identities": {
            "type": "object",
            "description": "Extra identities, Pond style: identity type → value.",
            "additionalProperties": { "type": ["string", "integer"] },
            "examples": [{ "phone": "13800138000", "wechat_openid:wx1234abcd": "o-AbC123", "wecom_external_userid": "wmXyZ123" }]
          },
          "channel": { "type": "string", "description": "Overrides the write key's channel for this message.", "examples": ["mini_program", "wecom", "offline_store", "tmall"] }
        },
        "additionalProperties": true
      },
      "MessageCommon": {
        "type": "object",
        "description": "Fields shared by all calls (Segment spec). At least one usable `userId` or `anonymousId` is required; placeholders (`\"null\"`, `\"undefined\"`, `\"0\"`, all-zero device ids, …) do not count. Identities are read from `userId` (`user_id`), `anonymousId` (`anonymous_id`), `context.externalIds`, `context.identities` and the person traits `phone`, `email`, `member_id`, `wechat_unionid`, `wecom_external_userid`; invalid values there are skipped, never linked. Unknown fields are stored as sent.",
        "properties": {
          "messageId": { "type": ["string", "integer"], "description": "Unique id of the message, at most 256 bytes. Pond deduplicates on it per workspace: a message whose `messageId` was already accepted is skipped, which makes SDK retries harmless. Generated when missing, but then a resend is stored twice, so always send one." },
          "userId": { "type": ["string", "integer", "null"], "description": "The brand's user id. Numbers are accepted and stored as strings." },
          "anonymousId": { "type": ["string", "integer", "null"], "description": "Device or browser id before login." },
          "timestamp": { "type": ["string", "null"], "description": "When the event happened, ISO 8601. Without an offset it is read as UTC, so send one (`+08:00`). Defaults to the time Pond received it; a time in the future is clamped to it." },
          "sentAt": { "type": ["string", "null"], "description": "When the client sent the request, by the same (possibly wrong) client clock, ISO 8601. When present Pond corrects clock skew: `timestamp = receivedAt − (sentAt − timestamp)`. The original is kept as `originalTimestamp`." },
          "context": { "$ref": "#/components/schemas/MessageContext" },
          "properties": { "type": ["object", "null"], "description": "Event properties." },
          "integrations": { "type": "object", "description": "Stored, not interpreted." },
          "channel": { "type": "string", "description": "Used as the event's channel when `context.channel` is absent." }
        },
        "additionalProperties": true
      },
      "IdentifyMessage": {
        "allOf": [
          { "$ref": "#/components/schemas/MessageCommon" },
          {
            "type": "object",
            "properties": {
              "type": { "const": "identify" },
              "traits": { "type": ["object", "null"], "description": "Person traits; merged with `context.traits` (these win)." }
            }
          }
        ]
      },
      "TrackMessage": {
        "allOf": [
          { "$ref": "#/components/schemas/MessageCommon" },
          {
            "type": "object",
            "required": ["event"],
            "properties": {
              "type": { "const": "track" },
              "event": { "type": "string", "minLength": 1, "description": "Event name, at most 200 bytes.", "examples": ["Order Completed"] }
            }
          }
        ]
      },
      "PageMessage": {
        "allOf": [
          { "$ref": "#/components/schemas/MessageCommon" },
          {
            "type": "object",
            "properties": {
              "type": { "const": "page" },
              "name": { "type": ["string", "null"], "description": "Page name." }
            }
          }
        ]
      },
      "ScreenMessage": {
        "allOf": [
          { "$ref": "#/components/schemas/MessageCommon" },
          {
            "type": "object",
            "properties": {
              "type": { "const": "screen" },
              "name": { "type": ["string", "null"], "description": "Screen name." }
            }
          }
        ]
      },
      "GroupMessage": {
        "allOf": [
          { "$ref": "#/components/schemas/MessageCommon" },
          {
            "type": "object",
            "required": ["groupId"],
            "properties": {
              "type": { "const": "group" },
              "groupId": { "type": ["string", "integer"] },
              "traits": { "type": ["object", "null"], "description": "Traits of the group (not applied to the person)." }
            }
          }
        ]
      },
      "AliasMessage": {
        "allOf": [
          { "$ref": "#/components/schemas/MessageCommon" },
          {
            "type": "object",
            "required": ["previousId", "userId"],
            "properties": {
              "type": { "const": "alias" },
              "previousId": { "type": ["string", "integer"], "description": "An earlier user id or anonymous id." }
            }
          }
        ]
      },
      "BatchMessage": {
        "description": "One message of a batch; `type` selects the call.",
        "type": "object",
        "required": ["type"],
        "oneOf": [
          { "$ref": "#/components/schemas/IdentifyMessage" },
          { "$ref": "#/components/schemas/TrackMessage" },
          { "$ref": "#/components/schemas/PageMessage" },
          { "$ref": "#/components/schemas/ScreenMessage" },
          { "$ref": "#/components/schemas/GroupMessage" },
          { "$ref": "#/components/schemas/AliasMessage" }
        ],
        "discriminator": {
          "propertyName": "type",
          "mapping": {
            "identify": "#/components/schemas/IdentifyMessage",
            "track": "#/components/schemas/TrackMessage",
            "page": "#/components/schemas/PageMessage",
            "screen": "#/components/schemas/ScreenMessage",
            "group": "#/components/schemas/GroupMessage",
            "alias": "#/components/schemas/AliasMessage"
          }
        }
      },
      "BatchRequest": {
        "type": "object",
        "required": ["batch"],
        "properties": {
          "batch": { "type": "array", "maxItems": 2500, "items": { "$ref": "#/components/schemas/BatchMessage" } },
          "context": { "$ref": "#/components/schemas/MessageContext", "description": "Merged into every message's `context`; the message's own keys win." },
          "sentAt": { "type": ["string", "null"], "description": "Applies to every message without its own `sentAt`; see `MessageCommon.sentAt`." },
          "writeKey": { "type": "string", "description": "The write key, when not sent in a header." }
        },
        "additionalProperties": true
      }
    }
  }
}
"""#
}
