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
    "description": "Pond has two HTTP surfaces:\n\n* **Tracking API** (`/v1/*`): Segment HTTP tracking API compatible, so the official Segment and RudderStack SDKs (web, mini program, iOS, Android, server) can point at Pond unchanged. Authenticated with a workspace **write key**.\n* **Management API** (`/api/v1/*`): workspaces, keys, unified profiles (统一客户档案), timelines, trait history, merges and identity conflicts; tags, auto-tag rules, segments, RFM and lifecycle stages. Authenticated with a workspace **admin key** as `Authorization: Bearer KEY`; every call only sees the key's own workspace.\n\nConventions:\n\n* All bodies are JSON (`application/json; charset=utf-8`) except `/metrics`.\n* Times in responses are ISO 8601 UTC with milliseconds, e.g. `2026-11-22T04:16:24.123Z`.\n* Every error has the body `{\"code\", \"message\"}` (plus `index` for a rejected message inside a tracking batch). Match on `code`; `message` is for people and may change.\n* An unknown path, or a known path with the wrong method, returns `404` with an empty body.\n* Identity stitching (ID-Mapping) runs in the background: after a tracking call returns 200, profiles, merges and traits reflect the events within moments, not necessarily at once. `GET /healthz` shows the backlog.\n* Identities are written `type:value`. Types are lower snake case, optionally qualified with a namespace when values are only unique within it: a WeChat openid is per app, `wechat_openid:wx1234abcd`. Built-in types: `user_id`, `anonymous_id`, `phone`, `email`, `member_id` (会员号), `wechat_unionid`, `wechat_openid:APPID`, `wecom_external_userid` (企业微信外部联系人); brands may add their own (e.g. `tmall_nick`). Phones are normalised (`138 0013 8000` → `+8613800138000`), e-mails lower-cased, and placeholders such as `null`, `undefined`, `0` or all-zero device ids are never treated as identities."
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
    { "name": "Tags", "description": "Tag groups, tags, and tagging profiles one at a time, in bulk or from a CSV list (标签)." },
    { "name": "Auto-tag rules", "description": "Rules that keep a tag on whoever matches them, in real time and as time passes (自动打标签)." },
    { "name": "Segments", "description": "Audiences (人群) defined by rule trees or uploaded lists, their members and enter/exit log." },
    { "name": "RFM", "description": "Recency, frequency and monetary scores and the layers they group buyers into (用户分层)." },
    { "name": "Lifecycle", "description": "Lifecycle stages (生命周期) from 引入 to 召回, with churn risk." },
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
        "description": "Effective at once on the server that handles the call, and within about 10 seconds on other Pond servers sharing the database (they cache key look-ups). The key stays listed with `revokedAt`. An admin key may revoke itself, but the workspace's last live admin key cannot be revoked (409): issue another first, or use `pond key create` on the database.",
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
          "409": {
            "description": "`last_admin_key`: the workspace's last live admin key; nothing could manage the workspace without it.",
            "content": { "application/json": { "schema": { "allOf": [{ "$ref": "#/components/schemas/Error" }, { "properties": { "code": { "enum": ["last_admin_key"] } } }] } } }
          },
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
    "/api/v1/stitch-failures": {
      "get": {
        "tags": ["Merges and conflicts"],
        "operationId": "listStitchFailures",
        "summary": "Events set aside from identity stitching, in log order",
        "description": "An event whose data makes every stitching pass that holds it fail (a value the database refuses) is set aside here with the error, so that the rest of the log keeps moving. Each is kept until retried. `/metrics` counts them as `pond_events_set_aside`.",
        "security": [{ "adminKey": [] }],
        "parameters": [
          { "name": "limit", "in": "query", "required": false, "schema": { "type": "integer", "minimum": 1, "maximum": 1000, "default": 100 } },
          { "name": "after", "in": "query", "required": false, "description": "Only events after this `seq` (for paging).", "schema": { "type": "integer", "minimum": 0, "default": 0 } }
        ],
        "responses": {
          "200": {
            "description": "The set-aside events.",
            "content": { "application/json": { "schema": {
              "type": "object", "required": ["failures"],
              "properties": { "failures": { "type": "array", "items": {
                "type": "object", "required": ["seq", "messageId", "error", "failedAt"],
                "properties": {
                  "seq": { "type": "integer", "format": "int64" }, "messageId": { "type": "string" },
                  "error": { "type": "string", "description": "The database's error: statement and SQLSTATE, never the values." },
                  "failedAt": { "type": "string", "format": "date-time" }
                } } } } } } }
          },
          "400": {
            "description": "`invalid_request`: `limit` or `after` is out of range.",
            "content": { "application/json": { "schema": { "$ref": "#/components/schemas/InvalidRequestError" } } }
          },
          "401": { "$ref": "#/components/responses/AdminUnauthorized" },
          "500": { "$ref": "#/components/responses/InternalError" }
        }
      }
    },
    "/api/v1/stitch-failures/retry": {
      "post": {
        "tags": ["Merges and conflicts"],
        "operationId": "retryStitchFailures",
        "summary": "Queue the workspace's set-aside events for stitching again",
        "description": "For after the cause is fixed (an upgrade, a constraint dropped). An event that fails again is set aside again.",
        "security": [{ "adminKey": [] }],
        "responses": {
          "200": {
            "description": "How many events are pending again.",
            "content": { "application/json": { "schema": {
              "type": "object", "required": ["requeued"], "properties": { "requeued": { "type": "integer" } } } } }
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
    "/api/v1/tag-groups": {
      "get": {
        "tags": ["Tags"],
        "operationId": "listTagGroups",
        "summary": "List tag groups",
        "description": "Sorted by name.",
        "security": [{ "adminKey": [] }],
        "responses": {
          "200": {
            "description": "The groups.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "required": ["groups"],
                  "properties": { "groups": { "type": "array", "items": { "$ref": "#/components/schemas/TagGroup" } } }
                }
              }
            }
          },
          "401": { "$ref": "#/components/responses/AdminUnauthorized" },
          "500": { "$ref": "#/components/responses/InternalError" }
        }
      },
      "post": {
        "tags": ["Tags"],
        "operationId": "createTagGroup",
        "summary": "Create a tag group (标签分组)",
        "description": "A heading tags are filed under in the console: 会员等级, 兴趣偏好, 渠道来源.",
        "security": [{ "adminKey": [] }],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "type": "object",
                "required": ["name"],
                "additionalProperties": false,
                "properties": { "name": { "$ref": "#/components/schemas/TagNameString" }, "description": { "type": "string", "maxLength": 500 } }
              },
              "example": { "name": "会员等级", "description": "付费会员体系" }
            }
          }
        },
        "responses": {
          "201": { "description": "The group.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/TagGroup" } } } },
          "400": { "$ref": "#/components/responses/InvalidBody" },
          "401": { "$ref": "#/components/responses/AdminUnauthorized" },
          "409": {
            "description": "`already_exists`: a group with this name exists.",
            "content": {
              "application/json": { "schema": { "allOf": [{ "$ref": "#/components/schemas/Error" }, { "properties": { "code": { "enum": ["already_exists"] } } }] } }
            }
          },
          "413": { "$ref": "#/components/responses/BodyTooLarge" },
          "500": { "$ref": "#/components/responses/InternalError" }
        }
      }
    },
    "/api/v1/tag-groups/{name}": {
      "delete": {
        "tags": ["Tags"],
        "operationId": "deleteTagGroup",
        "summary": "Delete an empty tag group",
        "security": [{ "adminKey": [] }],
        "parameters": [{ "$ref": "#/components/parameters/TagGroupName" }],
        "responses": {
          "200": {
            "description": "Deleted.",
            "content": {
              "application/json": {
                "schema": { "type": "object", "required": ["name", "deleted"], "properties": { "name": { "type": "string" }, "deleted": { "const": true } } }
              }
            }
          },
          "401": { "$ref": "#/components/responses/AdminUnauthorized" },
          "404": { "$ref": "#/components/responses/NotFound" },
          "409": {
            "description": "`tag_group_in_use`: tags are still filed under the group; move them (`PUT /api/v1/tags/{name}`) or delete them first.",
            "content": {
              "application/json": { "schema": { "allOf": [{ "$ref": "#/components/schemas/Error" }, { "properties": { "code": { "enum": ["tag_group_in_use"] } } }] } }
            }
          },
          "500": { "$ref": "#/components/responses/InternalError" }
        }
      }
    },
    "/api/v1/tags": {
      "get": {
        "tags": ["Tags"],
        "operationId": "listTags",
        "summary": "List tags with how many profiles hold each",
        "description": "Sorted by name.",
        "security": [{ "adminKey": [] }],
        "parameters": [{ "name": "group", "in": "query", "required": false, "description": "Only tags filed under this group.", "schema": { "type": "string" } }],
        "responses": {
          "200": {
            "description": "The tags.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "required": ["tags"],
                  "properties": { "tags": { "type": "array", "items": { "$ref": "#/components/schemas/Tag" } } }
                }
              }
            }
          },
          "401": { "$ref": "#/components/responses/AdminUnauthorized" },
          "500": { "$ref": "#/components/responses/InternalError" }
        }
      },
      "post": {
        "tags": ["Tags"],
        "operationId": "createTag",
        "summary": "Define a tag",
        "description": "A tag must be defined before anything can put it on a profile or a rule can read it, so a typo is an error instead of a second, silently empty tag. Tags are referred to by name everywhere (rules, segments, CSV).",
        "security": [{ "adminKey": [] }],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": { "schema": { "$ref": "#/components/schemas/TagInput" }, "example": { "name": "会员", "group": "会员等级", "description": "付费会员" } }
          }
        },
        "responses": {
          "201": { "description": "The tag.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Tag" } } } },
          "400": {
            "description": "`invalid_request`/`invalid_json`: a member is missing or invalid (a name of 1 to 64 characters without `|`, `/` or control characters; `bulk` and `import` are reserved). `unknown_tag_group`: `group` does not exist.",
            "content": {
              "application/json": {
                "schema": {
                  "allOf": [
                    { "$ref": "#/components/schemas/Error" },
                    { "properties": { "code": { "enum": ["invalid_request", "invalid_json", "unknown_tag_group"] } } }
                  ]
                }
              }
            }
          },
          "401": { "$ref": "#/components/responses/AdminUnauthorized" },
          "409": {
            "description": "`already_exists`: the tag exists; change it with PUT.",
            "content": {
              "application/json": { "schema": { "allOf": [{ "$ref": "#/components/schemas/Error" }, { "properties": { "code": { "enum": ["already_exists"] } } }] } }
            }
          },
          "413": { "$ref": "#/components/responses/BodyTooLarge" },
          "500": { "$ref": "#/components/responses/InternalError" }
        }
      }
    },
    "/api/v1/tags/{name}": {
      "get": {
        "tags": ["Tags"],
        "operationId": "getTag",
        "summary": "Get a tag, with the rules that maintain or read it",
        "security": [{ "adminKey": [] }],
        "parameters": [{ "$ref": "#/components/parameters/TagName" }],
        "responses": {
          "200": { "description": "The tag.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/TagDetail" } } } },
          "401": { "$ref": "#/components/responses/AdminUnauthorized" },
          "404": { "$ref": "#/components/responses/NotFound" },
          "500": { "$ref": "#/components/responses/InternalError" }
        }
      },
      "put": {
        "tags": ["Tags"],
        "operationId": "updateTag",
        "summary": "Replace a tag's group and description",
        "description": "Tags cannot be renamed (`name`, if given, must be the one in the path). Members left out are cleared: no `group` files the tag under no group.",
        "security": [{ "adminKey": [] }],
        "parameters": [{ "$ref": "#/components/parameters/TagName" }],
        "requestBody": {
          "required": true,
          "content": { "application/json": { "schema": { "$ref": "#/components/schemas/TagInput" }, "example": { "group": "会员等级", "description": "年费会员" } } }
        },
        "responses": {
          "200": { "description": "The tag.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Tag" } } } },
          "400": {
            "description": "`invalid_request`/`invalid_json`: a member is invalid. `unknown_tag_group`: `group` does not exist.",
            "content": {
              "application/json": {
                "schema": {
                  "allOf": [
                    { "$ref": "#/components/schemas/Error" },
                    { "properties": { "code": { "enum": ["invalid_request", "invalid_json", "unknown_tag_group"] } } }
                  ]
                }
              }
            }
          },
          "401": { "$ref": "#/components/responses/AdminUnauthorized" },
          "404": { "$ref": "#/components/responses/NotFound" },
          "413": { "$ref": "#/components/responses/BodyTooLarge" },
          "500": { "$ref": "#/components/responses/InternalError" }
        }
      },
      "delete": {
        "tags": ["Tags"],
        "operationId": "deleteTag",
        "summary": "Delete a tag and take it off every profile",
        "description": "Each removal is a `Tag Removed` entry on the profile's timeline. Refused while a segment or an auto-tag rule names the tag (in a `has tag`/`lacks tag` condition, or as the tag it maintains).",
        "security": [{ "adminKey": [] }],
        "parameters": [{ "$ref": "#/components/parameters/TagName" }],
        "responses": {
          "200": {
            "description": "Deleted.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "required": ["name", "deleted", "removedFrom"],
                  "properties": {
                    "name": { "type": "string" },
                    "deleted": { "const": true },
                    "removedFrom": { "type": "integer", "description": "Profiles that held the tag." }
                  }
                }
              }
            }
          },
          "401": { "$ref": "#/components/responses/AdminUnauthorized" },
          "404": { "$ref": "#/components/responses/NotFound" },
          "409": {
            "description": "`tag_in_use`: named by the definitions in `usedBy` (`segment X`, `tag rule Y`).",
            "content": { "application/json": { "schema": { "$ref": "#/components/schemas/InUseError" } } }
          },
          "500": { "$ref": "#/components/responses/InternalError" }
        }
      }
    },
    "/api/v1/tags/bulk": {
      "post": {
        "tags": ["Tags"],
        "operationId": "bulkTag",
        "summary": "Add or remove tags on many profiles",
        "description": "The same tags on every profile named by id (`profiles`) and/or identity (`identities`, `type:value`), at most 10,000 in all. All or nothing: if any id or identity matches no profile the response is 404 listing them in `missing`, and nothing changes. Ids of merged profiles count as their cluster.",
        "security": [{ "adminKey": [] }],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": { "$ref": "#/components/schemas/BulkTagRequest" },
              "example": { "action": "add", "tags": ["会员"], "profiles": [1042, 1043], "identities": ["phone:13800138000", "member_id:VIP000123"] }
            }
          }
        },
        "responses": {
          "200": { "description": "Applied.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/BulkTagResult" } } } },
          "400": {
            "description": "`invalid_request`/`invalid_json`: `action` missing or unknown, no profiles named, too many, a bad `source`. `unknown_tag`: a tag is not defined. `invalid_identity`: an identity is malformed (`index` is its position in `identities`). Nothing changed.",
            "content": {
              "application/json": {
                "schema": {
                  "allOf": [
                    { "$ref": "#/components/schemas/Error" },
                    { "properties": { "code": { "enum": ["invalid_request", "invalid_json", "unknown_tag", "invalid_identity"] } } }
                  ]
                }
              }
            }
          },
          "401": { "$ref": "#/components/responses/AdminUnauthorized" },
          "404": {
            "description": "`not_found`: some ids or identities match no profile (`missing`, at most 1,000 listed). Nothing changed.",
            "content": {
              "application/json": {
                "schema": {
                  "allOf": [
                    { "$ref": "#/components/schemas/Error" },
                    { "properties": { "code": { "enum": ["not_found"] }, "missing": { "type": "array", "items": { "type": "string" } } } }
                  ]
                }
              }
            }
          },
          "413": { "$ref": "#/components/responses/BodyTooLarge" },
          "500": { "$ref": "#/components/responses/InternalError" }
        }
      }
    },
    "/api/v1/tags/import": {
      "post": {
        "tags": ["Tags"],
        "operationId": "importTags",
        "summary": "Add or remove tags from a CSV list",
        "description": "Each row names its customer in a `profile_id` column (any id of a merged cluster), an `identity` column (`type:value`, e.g. `phone:13800138000`, `wechat_openid:wx123:o-abc`), or a column named after an identity type: the built-in ones (`phone`, `email`, `member_id`, `user_id`, `wechat_unionid`, `wecom_external_userid`, `anonymous_id`, `wechat_openid:APPID`), the workspace's unique types, or `手机`/`手机号`/`手机号码`/`邮箱`/`会员号`/`会员卡号`. With several such columns the first that finds a profile wins (`profile_id`, then `identity`, then the others in header order). Values are normalised as everywhere else. Other columns are ignored. Tags: the `?tag=` parameters apply to every row, and a `tags` (or `标签`) column adds `|`-separated tags per row (`会员|VIP`). Tags added this way have source `import` (and `?sourceRef=` as reference).\n\nAtomicity: the whole file is read and every row checked before anything is written. Rows that cannot be used — no customer cell, an identity or id that matches no profile, an undefined tag, no tags at all — are listed in the report with their row number and reason, and nothing of them is stored. All the remaining rows are then applied together in one transaction: either every one of them takes effect, or (409 `changed_while_importing`, when a tag or profile was deleted meanwhile) none does. A file that cannot be parsed, a header without a customer column, or an undefined `?tag=` are refused before anything is stored.",
        "security": [{ "adminKey": [] }],
        "parameters": [
          {
            "name": "action",
            "in": "query",
            "required": true,
            "description": "Add or remove the tags.",
            "schema": { "type": "string", "enum": ["add", "remove"] }
          },
          {
            "name": "tag",
            "in": "query",
            "required": false,
            "description": "A tag for every row; repeat for several (at most 50).",
            "schema": { "type": "string" }
          },
          {
            "name": "sourceRef",
            "in": "query",
            "required": false,
            "description": "Reference stored with the tags (a campaign, the file name), 1 to 200 characters.",
            "schema": { "type": "string" }
          },
          {
            "name": "delimiter",
            "in": "query",
            "required": false,
            "description": "Field separator of the file.",
            "schema": { "type": "string", "enum": ["comma", "tab", "semicolon"], "default": "comma" }
          },
          {
            "name": "Content-Encoding",
            "in": "header",
            "required": false,
            "description": "The CSV may be compressed with `gzip` (`x-gzip`) or zlib `deflate`.",
            "schema": { "type": "string", "enum": ["identity", "gzip", "x-gzip", "deflate"], "default": "identity" }
          }
        ],
        "requestBody": {
          "required": true,
          "description": "`Content-Type: text/csv` (UTF-8; a missing Content-Type is accepted), at most 20 MB and 100,000 rows, optionally compressed with `Content-Encoding: gzip`. Needs a header row.",
          "content": { "text/csv": { "schema": { "type": "string" }, "example": "手机号,tags,备注\n13800138000,会员|VIP,展会\n13900139000,会员,\n" } }
        },
        "responses": {
          "200": {
            "description": "The report: rows applied and rows rejected.",
            "content": {
              "application/json": {
                "schema": {
                  "allOf": [
                    { "$ref": "#/components/schemas/ListUploadReport" },
                    {
                      "type": "object",
                      "required": ["action", "changed"],
                      "properties": {
                        "action": { "type": "string", "enum": ["add", "remove"] },
                        "changed": {
                          "type": "integer",
                          "description": "(profile, tag) pairs added or removed; pairs already in the wanted state are not counted."
                        }
                      }
                    }
                  ]
                }
              }
            }
          },
          "400": {
            "description": "`invalid_request`: `action` missing or unknown, too many `tag`s, neither a `?tag=` nor a `tags` column, a bad `sourceRef` or `delimiter`. `unknown_tag`: a `?tag=` is not defined. `invalid_csv`: the file is empty, not well-formed CSV (with `row`, `line`, `reason`), not valid gzip, or its header has no customer column. Nothing was stored.",
            "content": {
              "application/json": {
                "schema": {
                  "allOf": [
                    { "$ref": "#/components/schemas/Error" },
                    { "properties": { "code": { "enum": ["invalid_request", "unknown_tag", "invalid_csv"] } } }
                  ]
                }
              }
            }
          },
          "401": { "$ref": "#/components/responses/AdminUnauthorized" },
          "409": {
            "description": "`changed_while_importing`: a tag or profile was deleted while the file was being checked; nothing was applied, upload it again.",
            "content": {
              "application/json": {
                "schema": { "allOf": [{ "$ref": "#/components/schemas/Error" }, { "properties": { "code": { "enum": ["changed_while_importing"] } } }] }
              }
            }
          },
          "413": {
            "description": "`payload_too_large`: the file is over 20 MB (compressed or decompressed) or has more than 100,000 rows; split it.",
            "content": {
              "application/json": { "schema": { "allOf": [{ "$ref": "#/components/schemas/Error" }, { "properties": { "code": { "enum": ["payload_too_large"] } } }] } }
            }
          },
          "415": {
            "description": "`unsupported_media_type`: the body was sent as JSON, multipart or a form instead of the CSV itself. `unsupported_encoding`: a `charset` other than UTF-8, or an unsupported `Content-Encoding`.",
            "content": {
              "application/json": {
                "schema": {
                  "allOf": [
                    { "$ref": "#/components/schemas/Error" },
                    { "properties": { "code": { "enum": ["unsupported_media_type", "unsupported_encoding"] } } }
                  ]
                }
              }
            }
          },
          "500": { "$ref": "#/components/responses/InternalError" }
        }
      }
    },
    "/api/v1/profiles/{id}/tags": {
      "get": {
        "tags": ["Tags"],
        "operationId": "getProfileTags",
        "summary": "A profile's tags, with where each came from",
        "security": [{ "adminKey": [] }],
        "parameters": [{ "$ref": "#/components/parameters/ProfileId" }],
        "responses": {
          "200": {
            "description": "The cluster root's tags, sorted by name.",
            "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ProfileTags" } } }
          },
          "400": { "$ref": "#/components/responses/InvalidId" },
          "401": { "$ref": "#/components/responses/AdminUnauthorized" },
          "404": { "$ref": "#/components/responses/NotFound" },
          "500": { "$ref": "#/components/responses/InternalError" }
        }
      },
      "post": {
        "tags": ["Tags"],
        "operationId": "tagProfile",
        "summary": "Put tags on a profile",
        "description": "Tags land on the cluster root. A tag the profile already has keeps its original source and time. Each tag added is a `Tag Added` entry on the timeline, and the profile is re-evaluated moments later (auto-tag rules, segments). `tags`: 1 to 50 defined tag names. `source` is `manual` (default; `sourceRef` defaults to `key:<admin key id>`), `channel` (requires `sourceRef`, the channel code such as a WeCom contact-me QR code) or `import`; `rule` is kept for auto-tag rules.",
        "security": [{ "adminKey": [] }],
        "parameters": [{ "$ref": "#/components/parameters/ProfileId" }],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": { "$ref": "#/components/schemas/ProfileTagRequest" },
              "example": { "tags": ["会员"], "source": "channel", "sourceRef": "qr-123" }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The profile's tags now, and how many were added.",
            "content": {
              "application/json": {
                "schema": {
                  "allOf": [
                    { "$ref": "#/components/schemas/ProfileTags" },
                    { "type": "object", "required": ["added"], "properties": { "added": { "type": "integer" } } }
                  ]
                }
              }
            }
          },
          "400": {
            "description": "`invalid_request`: the id is not an integer, or a member is missing or invalid. `unknown_tag`: a tag is not defined. Nothing changed.",
            "content": {
              "application/json": {
                "schema": {
                  "allOf": [
                    { "$ref": "#/components/schemas/Error" },
                    { "properties": { "code": { "enum": ["invalid_request", "invalid_json", "unknown_tag"] } } }
                  ]
                }
              }
            }
          },
          "401": { "$ref": "#/components/responses/AdminUnauthorized" },
          "404": { "$ref": "#/components/responses/NotFound" },
          "413": { "$ref": "#/components/responses/BodyTooLarge" },
          "500": { "$ref": "#/components/responses/InternalError" }
        }
      }
    },
    "/api/v1/profiles/{id}/tags/{tag}": {
      "delete": {
        "tags": ["Tags"],
        "operationId": "untagProfile",
        "summary": "Take a tag off a profile",
        "description": "Whatever put it there (an operator, an import, a rule). A `Tag Removed` entry goes on the timeline. Answers 200 with `removed: false` when the profile did not have the tag.",
        "security": [{ "adminKey": [] }],
        "parameters": [
          { "$ref": "#/components/parameters/ProfileId" },
          { "name": "tag", "in": "path", "required": true, "description": "Tag name, percent-encoded.", "schema": { "type": "string" } }
        ],
        "responses": {
          "200": {
            "description": "The profile's tags now.",
            "content": {
              "application/json": {
                "schema": {
                  "allOf": [
                    { "$ref": "#/components/schemas/ProfileTags" },
                    { "type": "object", "required": ["removed"], "properties": { "removed": { "type": "boolean" } } }
                  ]
                }
              }
            }
          },
          "400": { "$ref": "#/components/responses/InvalidId" },
          "401": { "$ref": "#/components/responses/AdminUnauthorized" },
          "404": {
            "description": "`not_found`: no such profile, or no such tag.",
            "content": { "application/json": { "schema": { "$ref": "#/components/schemas/NotFoundError" } } }
          },
          "500": { "$ref": "#/components/responses/InternalError" }
        }
      }
    },
    "/api/v1/tag-rules": {
      "get": {
        "tags": ["Auto-tag rules"],
        "operationId": "listTagRules",
        "summary": "List auto-tag rules",
        "description": "Sorted by id.",
        "security": [{ "adminKey": [] }],
        "responses": {
          "200": {
            "description": "The rules.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "required": ["rules"],
                  "properties": { "rules": { "type": "array", "items": { "$ref": "#/components/schemas/TagRule" } } }
                }
              }
            }
          },
          "401": { "$ref": "#/components/responses/AdminUnauthorized" },
          "500": { "$ref": "#/components/responses/InternalError" }
        }
      },
      "post": {
        "tags": ["Auto-tag rules"],
        "operationId": "createTagRule",
        "summary": "Create an auto-tag rule (自动打标签)",
        "description": "While `rule` holds for a profile, `action: add` keeps `tag` on it — and takes it off again, if this rule put it there, once the rule stops holding; `action: remove` takes the tag off whoever the rule holds for. The rule is applied to the whole workspace before the response (`applied.tagChanges`), then in real time as profiles change and by the hourly sweep as time passes. Without `id`, one is made from the name's ASCII letters and digits (`Skincare regulars` → `skincare-regulars`; `tag-rule` for a Chinese name), made unique with `-2`, `-3`, …\n\nThe rule is checked like a segment's: stage and RFM layer names become ids, and unknown stages, layers, segments and tags are refused. Tags a rule put on stay when it is disabled, deleted or pointed at another tag: they are ordinary tags from then on (source `rule`).",
        "security": [{ "adminKey": [] }],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": { "$ref": "#/components/schemas/TagRuleInput" },
              "example": {
                "name": "高频护肤品购买者",
                "tag": "高频护肤",
                "action": "add",
                "ruleText": "performed \"Order Completed\" >= 2 times in 90d where category = \"护肤\""
              }
            }
          }
        },
        "responses": {
          "201": {
            "description": "The saved rule (both forms) and what applying it changed.",
            "content": { "application/json": { "schema": { "$ref": "#/components/schemas/SavedTagRule" } } }
          },
          "400": { "$ref": "#/components/responses/RuleRefused" },
          "401": { "$ref": "#/components/responses/AdminUnauthorized" },
          "409": {
            "description": "`already_exists`: a rule with this `id` exists; change it with PUT.",
            "content": {
              "application/json": { "schema": { "allOf": [{ "$ref": "#/components/schemas/Error" }, { "properties": { "code": { "enum": ["already_exists"] } } }] } }
            }
          },
          "413": { "$ref": "#/components/responses/BodyTooLarge" },
          "500": { "$ref": "#/components/responses/InternalError" }
        }
      }
    },
    "/api/v1/tag-rules/{id}": {
      "get": {
        "tags": ["Auto-tag rules"],
        "operationId": "getTagRule",
        "summary": "Get an auto-tag rule",
        "security": [{ "adminKey": [] }],
        "parameters": [{ "$ref": "#/components/parameters/TagRuleId" }],
        "responses": {
          "200": { "description": "The rule.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/TagRule" } } } },
          "401": { "$ref": "#/components/responses/AdminUnauthorized" },
          "404": { "$ref": "#/components/responses/NotFound" },
          "500": { "$ref": "#/components/responses/InternalError" }
        }
      },
      "put": {
        "tags": ["Auto-tag rules"],
        "operationId": "updateTagRule",
        "summary": "Replace an auto-tag rule",
        "description": "The whole rule is replaced (`id`, if given, must match the path); it keeps its `createdAt`. Applied to the whole workspace before the response.",
        "security": [{ "adminKey": [] }],
        "parameters": [{ "$ref": "#/components/parameters/TagRuleId" }],
        "requestBody": { "required": true, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/TagRuleInput" } } } },
        "responses": {
          "200": {
            "description": "The saved rule and what applying it changed.",
            "content": { "application/json": { "schema": { "$ref": "#/components/schemas/SavedTagRule" } } }
          },
          "400": { "$ref": "#/components/responses/RuleRefused" },
          "401": { "$ref": "#/components/responses/AdminUnauthorized" },
          "404": { "$ref": "#/components/responses/NotFound" },
          "413": { "$ref": "#/components/responses/BodyTooLarge" },
          "500": { "$ref": "#/components/responses/InternalError" }
        }
      },
      "delete": {
        "tags": ["Auto-tag rules"],
        "operationId": "deleteTagRule",
        "summary": "Delete an auto-tag rule",
        "description": "Tags it put on profiles stay until removed by hand.",
        "security": [{ "adminKey": [] }],
        "parameters": [{ "$ref": "#/components/parameters/TagRuleId" }],
        "responses": {
          "200": {
            "description": "Deleted.",
            "content": {
              "application/json": {
                "schema": { "type": "object", "required": ["id", "deleted"], "properties": { "id": { "type": "string" }, "deleted": { "const": true } } }
              }
            }
          },
          "401": { "$ref": "#/components/responses/AdminUnauthorized" },
          "404": { "$ref": "#/components/responses/NotFound" },
          "500": { "$ref": "#/components/responses/InternalError" }
        }
      }
    },
    "/api/v1/segments": {
      "get": {
        "tags": ["Segments"],
        "operationId": "listSegments",
        "summary": "List segments with their member counts",
        "description": "Sorted by id.",
        "security": [{ "adminKey": [] }],
        "responses": {
          "200": {
            "description": "The segments.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "required": ["segments"],
                  "properties": { "segments": { "type": "array", "items": { "$ref": "#/components/schemas/Segment" } } }
                }
              }
            }
          },
          "401": { "$ref": "#/components/responses/AdminUnauthorized" },
          "500": { "$ref": "#/components/responses/InternalError" }
        }
      },
      "post": {
        "tags": ["Segments"],
        "operationId": "createSegment",
        "summary": "Create a segment (人群)",
        "description": "A `dynamic` segment keeps its members in step with its rule: its members are computed before the response (`memberCount`, `evaluation`), then follow every change to a profile in real time and the passing of time hourly. A `static` segment has no rule; its list is uploaded to `/api/v1/segments/{id}/members/import`.\n\nSaving checks the rule against the workspace: stage names (`流失`, `churned`) and RFM layer names (`超级用户`, `Champions`, `champions`) become ids, and a stage, layer, segment or tag that does not exist is refused with the offending node's `path`. A segment may build on others (`in segment \"vip\"`), but not reach itself: `unknown_segment` for a direct self-reference, `segment_cycle` with the `chain` for a longer circle. Without `id`, one is made from the name (`VIP Skincare` → `vip-skincare`; `segment` for a Chinese name), made unique with `-2`, `-3`, …",
        "security": [{ "adminKey": [] }],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": { "$ref": "#/components/schemas/SegmentInput" },
              "example": {
                "id": "skincare-members",
                "name": "护肤会员",
                "kind": "dynamic",
                "ruleText": "performed \"Order Completed\" >= 2 times in 90d where category = \"护肤\" and has tag \"会员\" and not stage = \"流失\""
              }
            }
          }
        },
        "responses": {
          "201": {
            "description": "The saved segment, its members counted.",
            "content": { "application/json": { "schema": { "$ref": "#/components/schemas/SavedSegment" } } }
          },
          "400": { "$ref": "#/components/responses/RuleRefused" },
          "401": { "$ref": "#/components/responses/AdminUnauthorized" },
          "409": {
            "description": "`already_exists`: a segment with this `id` exists; change it with PUT.",
            "content": {
              "application/json": { "schema": { "allOf": [{ "$ref": "#/components/schemas/Error" }, { "properties": { "code": { "enum": ["already_exists"] } } }] } }
            }
          },
          "413": { "$ref": "#/components/responses/BodyTooLarge" },
          "500": { "$ref": "#/components/responses/InternalError" }
        }
      }
    },
    "/api/v1/segments/preview": {
      "post": {
        "tags": ["Segments"],
        "operationId": "previewSegment",
        "summary": "Count who a rule would select, without saving anything",
        "description": "The rule is checked exactly as when saving. Returns the number of matching profiles and the first `sample` of them (lowest ids first).",
        "security": [{ "adminKey": [] }],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "allOf": [
                  { "$ref": "#/components/schemas/RuleInput" },
                  { "type": "object", "properties": { "sample": { "type": "integer", "minimum": 0, "maximum": 100, "default": 10 } } }
                ]
              },
              "example": { "ruleText": "has tag \"会员\" and rfm layer = \"超级用户\"", "sample": 5 }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The audience size and a sample.",
            "content": { "application/json": { "schema": { "$ref": "#/components/schemas/SegmentPreview" } } }
          },
          "400": { "$ref": "#/components/responses/RuleRefused" },
          "401": { "$ref": "#/components/responses/AdminUnauthorized" },
          "413": { "$ref": "#/components/responses/BodyTooLarge" },
          "500": { "$ref": "#/components/responses/InternalError" }
        }
      }
    },
    "/api/v1/segments/{id}": {
      "get": {
        "tags": ["Segments"],
        "operationId": "getSegment",
        "summary": "Get a segment, with what it reads and what reads it",
        "security": [{ "adminKey": [] }],
        "parameters": [{ "$ref": "#/components/parameters/SegmentId" }],
        "responses": {
          "200": { "description": "The segment.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/SegmentDetail" } } } },
          "401": { "$ref": "#/components/responses/AdminUnauthorized" },
          "404": { "$ref": "#/components/responses/NotFound" },
          "500": { "$ref": "#/components/responses/InternalError" }
        }
      },
      "put": {
        "tags": ["Segments"],
        "operationId": "updateSegment",
        "summary": "Replace a segment's definition",
        "description": "Name, description and (dynamic) rule are replaced; the kind cannot change. A dynamic segment is recomputed before the response, then every dynamic segment that reads it (`evaluation.dependentsEvaluated`). Saving a static segment leaves its list alone.",
        "security": [{ "adminKey": [] }],
        "parameters": [{ "$ref": "#/components/parameters/SegmentId" }],
        "requestBody": { "required": true, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/SegmentInput" } } } },
        "responses": {
          "200": { "description": "The saved segment.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/SavedSegment" } } } },
          "400": { "$ref": "#/components/responses/RuleRefused" },
          "401": { "$ref": "#/components/responses/AdminUnauthorized" },
          "404": { "$ref": "#/components/responses/NotFound" },
          "413": { "$ref": "#/components/responses/BodyTooLarge" },
          "500": { "$ref": "#/components/responses/InternalError" }
        }
      },
      "delete": {
        "tags": ["Segments"],
        "operationId": "deleteSegment",
        "summary": "Delete a segment",
        "description": "Its members leave it (each with an exit record). Refused while another segment or an auto-tag rule names it.",
        "security": [{ "adminKey": [] }],
        "parameters": [{ "$ref": "#/components/parameters/SegmentId" }],
        "responses": {
          "200": {
            "description": "Deleted.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "required": ["id", "deleted", "exited"],
                  "properties": { "id": { "type": "string" }, "deleted": { "const": true }, "exited": { "type": "integer" } }
                }
              }
            }
          },
          "401": { "$ref": "#/components/responses/AdminUnauthorized" },
          "404": { "$ref": "#/components/responses/NotFound" },
          "409": {
            "description": "`segment_in_use`: named by the definitions in `usedBy`.",
            "content": { "application/json": { "schema": { "$ref": "#/components/schemas/InUseError" } } }
          },
          "500": { "$ref": "#/components/responses/InternalError" }
        }
      }
    },
    "/api/v1/segments/{id}/members": {
      "get": {
        "tags": ["Segments"],
        "operationId": "listSegmentMembers",
        "summary": "A page of a segment's members",
        "description": "In ascending profile id order (cluster roots). Page with `after` = the previous page's `nextCursor`; it is null when the page was not full.",
        "security": [{ "adminKey": [] }],
        "parameters": [
          { "$ref": "#/components/parameters/SegmentId" },
          {
            "name": "after",
            "in": "query",
            "required": false,
            "description": "Cursor: members with a profile id greater than this.",
            "schema": { "type": "integer", "format": "int64" }
          },
          {
            "name": "limit",
            "in": "query",
            "required": false,
            "description": "Page size.",
            "schema": { "type": "integer", "minimum": 1, "maximum": 1000, "default": 100 }
          }
        ],
        "responses": {
          "200": {
            "description": "A page of members.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "required": ["members", "nextCursor"],
                  "properties": {
                    "members": {
                      "type": "array",
                      "items": {
                        "type": "object",
                        "required": ["profileId", "since"],
                        "properties": { "profileId": { "type": "integer", "format": "int64" }, "since": { "$ref": "#/components/schemas/Timestamp" } }
                      }
                    },
                    "nextCursor": { "type": ["string", "null"] }
                  }
                }
              }
            }
          },
          "400": {
            "description": "`invalid_request`: bad `after` or `limit`.",
            "content": { "application/json": { "schema": { "$ref": "#/components/schemas/InvalidRequestError" } } }
          },
          "401": { "$ref": "#/components/responses/AdminUnauthorized" },
          "404": { "$ref": "#/components/responses/NotFound" },
          "500": { "$ref": "#/components/responses/InternalError" }
        }
      }
    },
    "/api/v1/segments/{id}/members/import": {
      "post": {
        "tags": ["Segments"],
        "operationId": "importSegmentMembers",
        "summary": "Replace or extend a static segment's list from a CSV",
        "description": "Each row names its customer in a `profile_id` column (any id of a merged cluster), an `identity` column (`type:value`, e.g. `phone:13800138000`, `wechat_openid:wx123:o-abc`), or a column named after an identity type: the built-in ones (`phone`, `email`, `member_id`, `user_id`, `wechat_unionid`, `wecom_external_userid`, `anonymous_id`, `wechat_openid:APPID`), the workspace's unique types, or `手机`/`手机号`/`手机号码`/`邮箱`/`会员号`/`会员卡号`. With several such columns the first that finds a profile wins (`profile_id`, then `identity`, then the others in header order). Values are normalised as everywhere else. Other columns are ignored.\n\n`mode` is required: `replace` makes the list exactly the file's customers (those not in it leave), `append` adds them — a default would cost someone a list. Rows that cannot be used are listed with their row number and reason and stored nowhere; the remaining rows are applied in one transaction, with an enter or exit record for everyone who joins or leaves (reason `CSV upload (replace)`/`(append)`), and the dynamic segments that read the list are recomputed. A `replace` whose file has rows but not one usable is refused (`no_valid_rows`): that is almost always a wrong column, not the wish to empty the list. A file with only a header row does empty it.",
        "security": [{ "adminKey": [] }],
        "parameters": [
          { "$ref": "#/components/parameters/SegmentId" },
          {
            "name": "mode",
            "in": "query",
            "required": true,
            "description": "`replace` or `append`.",
            "schema": { "type": "string", "enum": ["replace", "append"] }
          },
          {
            "name": "delimiter",
            "in": "query",
            "required": false,
            "description": "Field separator of the file.",
            "schema": { "type": "string", "enum": ["comma", "tab", "semicolon"], "default": "comma" }
          },
          {
            "name": "Content-Encoding",
            "in": "header",
            "required": false,
            "description": "The CSV may be compressed with `gzip` (`x-gzip`) or zlib `deflate`.",
            "schema": { "type": "string", "enum": ["identity", "gzip", "x-gzip", "deflate"], "default": "identity" }
          }
        ],
        "requestBody": {
          "required": true,
          "description": "`Content-Type: text/csv` (UTF-8; a missing Content-Type is accepted), at most 20 MB and 100,000 rows, optionally compressed with `Content-Encoding: gzip`. Needs a header row.",
          "content": { "text/csv": { "schema": { "type": "string" }, "example": "手机号,姓名\n13800138000,王小明\n13900139000,李雷\n" } }
        },
        "responses": {
          "200": {
            "description": "The report.",
            "content": {
              "application/json": {
                "schema": {
                  "allOf": [
                    { "$ref": "#/components/schemas/ListUploadReport" },
                    {
                      "type": "object",
                      "required": ["mode", "entered", "exited", "memberCount", "dependentsEvaluated"],
                      "properties": {
                        "mode": { "type": "string", "enum": ["replace", "append"] },
                        "entered": { "type": "integer" },
                        "exited": { "type": "integer" },
                        "memberCount": { "type": "integer" },
                        "dependentsEvaluated": { "type": "array", "items": { "type": "string" } }
                      }
                    }
                  ]
                }
              }
            }
          },
          "400": {
            "description": "`invalid_request`: `mode` missing or unknown, bad `delimiter`. `invalid_csv`: the file is empty, malformed or has no customer column. `no_valid_rows`: a `replace` file of which no row names a known customer; the body also carries the report. Nothing changed.",
            "content": {
              "application/json": {
                "schema": {
                  "allOf": [
                    { "$ref": "#/components/schemas/Error" },
                    { "properties": { "code": { "enum": ["invalid_request", "invalid_csv", "no_valid_rows"] } } }
                  ]
                }
              }
            }
          },
          "401": { "$ref": "#/components/responses/AdminUnauthorized" },
          "404": { "$ref": "#/components/responses/NotFound" },
          "409": {
            "description": "`segment_is_dynamic`: the segment's members follow its rule.",
            "content": {
              "application/json": { "schema": { "allOf": [{ "$ref": "#/components/schemas/Error" }, { "properties": { "code": { "enum": ["segment_is_dynamic"] } } }] } }
            }
          },
          "413": {
            "description": "`payload_too_large`: the file is over 20 MB (compressed or decompressed) or has more than 100,000 rows; split it.",
            "content": {
              "application/json": { "schema": { "allOf": [{ "$ref": "#/components/schemas/Error" }, { "properties": { "code": { "enum": ["payload_too_large"] } } }] } }
            }
          },
          "415": {
            "description": "`unsupported_media_type`: the body was sent as JSON, multipart or a form instead of the CSV itself. `unsupported_encoding`: a `charset` other than UTF-8, or an unsupported `Content-Encoding`.",
            "content": {
              "application/json": {
                "schema": {
                  "allOf": [
                    { "$ref": "#/components/schemas/Error" },
                    { "properties": { "code": { "enum": ["unsupported_media_type", "unsupported_encoding"] } } }
                  ]
                }
              }
            }
          },
          "500": { "$ref": "#/components/responses/InternalError" }
        }
      }
    },
    "/api/v1/segments/{id}/changes": {
      "get": {
        "tags": ["Segments"],
        "operationId": "listSegmentChanges",
        "summary": "The enter/exit log of a segment",
        "description": "Every time a profile entered or left the segment, oldest first, with the reason (`re-evaluated after a change to the profile`, `scheduled re-evaluation`, `segment created`, `CSV upload (replace)`, `merged into profile 12`, …). This is the cursor journeys and exports follow: `nextCursor` is always where to continue (the last entry's `seq`, or `after` itself when nothing is new), so polling with it never misses or repeats an entry. `hasMore` is true when the page was full.",
        "security": [{ "adminKey": [] }],
        "parameters": [
          { "$ref": "#/components/parameters/SegmentId" },
          {
            "name": "after",
            "in": "query",
            "required": false,
            "description": "Cursor: entries with a `seq` greater than this (0 or absent: from the start).",
            "schema": { "type": "integer", "format": "int64", "minimum": 0 }
          },
          {
            "name": "limit",
            "in": "query",
            "required": false,
            "description": "Page size.",
            "schema": { "type": "integer", "minimum": 1, "maximum": 1000, "default": 100 }
          }
        ],
        "responses": {
          "200": {
            "description": "A page of the log.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "required": ["changes", "nextCursor", "hasMore"],
                  "properties": {
                    "changes": { "type": "array", "items": { "$ref": "#/components/schemas/SegmentChange" } },
                    "nextCursor": { "type": "string" },
                    "hasMore": { "type": "boolean" }
                  }
                }
              }
            }
          },
          "400": {
            "description": "`invalid_request`: bad `after` or `limit`.",
            "content": { "application/json": { "schema": { "$ref": "#/components/schemas/InvalidRequestError" } } }
          },
          "401": { "$ref": "#/components/responses/AdminUnauthorized" },
          "404": { "$ref": "#/components/responses/NotFound" },
          "500": { "$ref": "#/components/responses/InternalError" }
        }
      }
    },
    "/api/v1/segments/{id}/evaluate": {
      "post": {
        "tags": ["Segments"],
        "operationId": "evaluateSegment",
        "summary": "Recompute a dynamic segment now",
        "description": "Recomputes the members in full (recording enters and exits with reason `evaluated on request`), then every dynamic segment that reads this one. No request body.",
        "security": [{ "adminKey": [] }],
        "parameters": [{ "$ref": "#/components/parameters/SegmentId" }],
        "responses": {
          "200": {
            "description": "The segment after evaluation.",
            "content": { "application/json": { "schema": { "$ref": "#/components/schemas/SavedSegment" } } }
          },
          "401": { "$ref": "#/components/responses/AdminUnauthorized" },
          "404": { "$ref": "#/components/responses/NotFound" },
          "409": {
            "description": "`segment_is_static`: a static segment's members change only by upload.",
            "content": {
              "application/json": { "schema": { "allOf": [{ "$ref": "#/components/schemas/Error" }, { "properties": { "code": { "enum": ["segment_is_static"] } } }] } }
            }
          },
          "500": { "$ref": "#/components/responses/InternalError" }
        }
      }
    },
    "/api/v1/profiles/{id}/segments": {
      "get": {
        "tags": ["Segments"],
        "operationId": "getProfileSegments",
        "summary": "The segments a profile is in",
        "security": [{ "adminKey": [] }],
        "parameters": [{ "$ref": "#/components/parameters/ProfileId" }],
        "responses": {
          "200": {
            "description": "Memberships of the cluster root, by segment id.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "required": ["profileId", "segments"],
                  "properties": {
                    "profileId": { "type": "integer", "format": "int64" },
                    "segments": {
                      "type": "array",
                      "items": {
                        "type": "object",
                        "required": ["id", "name", "kind", "since"],
                        "properties": {
                          "id": { "type": "string" },
                          "name": { "type": "string" },
                          "kind": { "type": "string", "enum": ["dynamic", "static"] },
                          "since": { "$ref": "#/components/schemas/Timestamp" }
                        }
                      }
                    }
                  }
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
    "/api/v1/rfm/config": {
      "get": {
        "tags": ["RFM"],
        "operationId": "getRFMConfiguration",
        "summary": "The workspace's RFM configuration and what the last run learned",
        "description": "`config` is exactly what PUT accepts; defaults until the brand saves one.",
        "security": [{ "adminKey": [] }],
        "responses": {
          "200": {
            "description": "The configuration.",
            "content": { "application/json": { "schema": { "$ref": "#/components/schemas/RFMConfigurationState" } } }
          },
          "401": { "$ref": "#/components/responses/AdminUnauthorized" },
          "500": { "$ref": "#/components/responses/InternalError" }
        }
      },
      "put": {
        "tags": ["RFM"],
        "operationId": "updateRFMConfiguration",
        "summary": "Change how RFM is scored",
        "description": "Members left out take their defaults, so `{\"windowDays\": 180}` changes only the window; unknown members are refused rather than ignored. The configuration is validated first: no order event, no amount property, a window under a day, buckets outside 2…9, inconsistent thresholds, a layer map leaving cells without a layer or with a rule that can never match — each refused with its code, nothing stored. A layer that a segment or auto-tag rule names cannot be dropped from the map. Once stored, a full run follows at once (`run`), so scores never mix the old and the new rules for long.",
        "security": [{ "adminKey": [] }],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": { "$ref": "#/components/schemas/RFMConfiguration" },
              "example": { "windowDays": 180, "scoring": { "thresholds": { "r": [30, 90, 180, 365], "f": [2, 3, 5, 10], "m": [200, 500, 1000, 3000] } } }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The stored configuration, and the run that followed.",
            "content": {
              "application/json": {
                "schema": {
                  "allOf": [
                    { "$ref": "#/components/schemas/RFMConfigurationState" },
                    { "type": "object", "required": ["run"], "properties": { "run": { "$ref": "#/components/schemas/RFMRunResult" } } }
                  ]
                }
              }
            }
          },
          "400": {
            "description": "`invalid_request`/`invalid_json`: not a configuration (a wrong type, an unknown member). `rfm_no_order_events`, `rfm_no_amount_properties`, `rfm_invalid_window`, `rfm_invalid_buckets`, `rfm_invalid_thresholds`, `rfm_incomplete_layers`, `rfm_unreachable_layer_rule`: the configuration is invalid; `message` says how. Nothing was stored.",
            "content": {
              "application/json": {
                "schema": {
                  "allOf": [
                    { "$ref": "#/components/schemas/Error" },
                    {
                      "properties": {
                        "code": {
                          "enum": [
                            "invalid_request",
                            "invalid_json",
                            "rfm_no_order_events",
                            "rfm_no_amount_properties",
                            "rfm_invalid_window",
                            "rfm_invalid_buckets",
                            "rfm_invalid_thresholds",
                            "rfm_incomplete_layers",
                            "rfm_unreachable_layer_rule"
                          ]
                        }
                      }
                    }
                  ]
                }
              }
            }
          },
          "401": { "$ref": "#/components/responses/AdminUnauthorized" },
          "409": {
            "description": "`rfm_layer_in_use`: the new map drops `layer`, which the definitions in `usedBy` name.",
            "content": {
              "application/json": {
                "schema": {
                  "allOf": [
                    { "$ref": "#/components/schemas/InUseError" },
                    { "properties": { "code": { "enum": ["rfm_layer_in_use"] }, "layer": { "type": "string" } } }
                  ]
                }
              }
            }
          },
          "413": { "$ref": "#/components/responses/BodyTooLarge" },
          "500": { "$ref": "#/components/responses/InternalError" }
        }
      }
    },
    "/api/v1/rfm/run": {
      "post": {
        "tags": ["RFM"],
        "operationId": "runRFM",
        "summary": "Run RFM in full now",
        "description": "Ranks every buyer with an order in the window, stores their scores (an `RFM Layer Changed` timeline entry for each layer change; buyers without an order in the window lose their score) and the cut points incremental re-scoring uses until the next run. Runs hourly anyway. Profiles whose score changed are then re-evaluated within moments, so segments and auto-tag rules reading RFM follow. No request body.",
        "security": [{ "adminKey": [] }],
        "responses": {
          "200": { "description": "What the run did.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/RFMRunResult" } } } },
          "401": { "$ref": "#/components/responses/AdminUnauthorized" },
          "500": { "$ref": "#/components/responses/InternalError" }
        }
      }
    },
    "/api/v1/rfm/distribution": {
      "get": {
        "tags": ["RFM"],
        "operationId": "getRFMDistribution",
        "summary": "Profiles per RFM layer and per cell",
        "description": "Every layer of the map, in map order, with its names and count (layers stored under an id the map no longer has follow, without names, until the next run), and the count per cell (`\"545\"` = R 5, F 4, M 5; cells without profiles are left out).",
        "security": [{ "adminKey": [] }],
        "responses": {
          "200": { "description": "The distribution.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/RFMDistribution" } } } },
          "401": { "$ref": "#/components/responses/AdminUnauthorized" },
          "500": { "$ref": "#/components/responses/InternalError" }
        }
      }
    },
    "/api/v1/profiles/{id}/rfm": {
      "get": {
        "tags": ["RFM"],
        "operationId": "getProfileRFM",
        "summary": "A profile's RFM score",
        "description": "`score` is null when the profile has no order in the window (or no run has scored it yet).",
        "security": [{ "adminKey": [] }],
        "parameters": [{ "$ref": "#/components/parameters/ProfileId" }],
        "responses": {
          "200": { "description": "The score.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ProfileRFM" } } } },
          "400": { "$ref": "#/components/responses/InvalidId" },
          "401": { "$ref": "#/components/responses/AdminUnauthorized" },
          "404": { "$ref": "#/components/responses/NotFound" },
          "500": { "$ref": "#/components/responses/InternalError" }
        }
      }
    },
    "/api/v1/lifecycle/config": {
      "get": {
        "tags": ["Lifecycle"],
        "operationId": "getLifecycleConfiguration",
        "summary": "The workspace's lifecycle configuration and what the last run learned",
        "description": "`config` is exactly what PUT accepts; defaults until the brand saves one.",
        "security": [{ "adminKey": [] }],
        "responses": {
          "200": {
            "description": "The configuration.",
            "content": { "application/json": { "schema": { "$ref": "#/components/schemas/LifecycleConfigurationState" } } }
          },
          "401": { "$ref": "#/components/responses/AdminUnauthorized" },
          "500": { "$ref": "#/components/responses/InternalError" }
        }
      },
      "put": {
        "tags": ["Lifecycle"],
        "operationId": "updateLifecycleConfiguration",
        "summary": "Change the lifecycle rules",
        "description": "Members left out take their defaults; unknown members are refused. Validated first (a dormancy policy with `minimumDays` ≤ `maximumDays`, a churn window longer than any dormancy window, …), each problem refused with its code and nothing stored. Once stored, a full run follows at once (`run`); on a workspace never evaluated that evaluates every profile first, which takes a while on a large one.",
        "security": [{ "adminKey": [] }],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": { "$ref": "#/components/schemas/LifecycleConfiguration" },
              "example": {
                "activationEvents": ["Signed Up", "Coupon Claimed"],
                "churnAfterDays": 240,
                "dormancy": { "multiplier": 2, "minimumDays": 14, "maximumDays": 120, "fallbackDays": 60 }
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The stored configuration, and the run that followed.",
            "content": {
              "application/json": {
                "schema": {
                  "allOf": [
                    { "$ref": "#/components/schemas/LifecycleConfigurationState" },
                    { "type": "object", "required": ["run"], "properties": { "run": { "$ref": "#/components/schemas/LifecycleRunResult" } } }
                  ]
                }
              }
            }
          },
          "400": {
            "description": "`invalid_request`/`invalid_json`: not a configuration (a wrong type, an unknown member). `lifecycle_invalid_dormancy`, `lifecycle_invalid_churn_window`, `lifecycle_invalid_won_back_period`, `lifecycle_invalid_milestones`: the configuration is invalid; `message` says how. Nothing was stored.",
            "content": {
              "application/json": {
                "schema": {
                  "allOf": [
                    { "$ref": "#/components/schemas/Error" },
                    {
                      "properties": {
                        "code": {
                          "enum": [
                            "invalid_request",
                            "invalid_json",
                            "lifecycle_invalid_dormancy",
                            "lifecycle_invalid_churn_window",
                            "lifecycle_invalid_won_back_period",
                            "lifecycle_invalid_milestones"
                          ]
                        }
                      }
                    }
                  ]
                }
              }
            }
          },
          "401": { "$ref": "#/components/responses/AdminUnauthorized" },
          "413": { "$ref": "#/components/responses/BodyTooLarge" },
          "500": { "$ref": "#/components/responses/InternalError" }
        }
      }
    },
    "/api/v1/lifecycle/run": {
      "post": {
        "tags": ["Lifecycle"],
        "operationId": "runLifecycle",
        "summary": "Run the lifecycle in full now",
        "description": "Re-derives the dormancy window N from the brand's repurchase rhythm (N = clamp(⌈multiplier × median repurchase interval⌉, minimumDays, maximumDays)), moves every profile along as time passes (dormant, churned, out of won back) and refreshes churn risk; each stage change is a `Lifecycle Stage Changed` timeline entry, and the profiles that moved are re-evaluated moments later. Runs hourly anyway. No request body.",
        "security": [{ "adminKey": [] }],
        "responses": {
          "200": {
            "description": "What the run did.",
            "content": { "application/json": { "schema": { "$ref": "#/components/schemas/LifecycleRunResult" } } }
          },
          "401": { "$ref": "#/components/responses/AdminUnauthorized" },
          "500": { "$ref": "#/components/responses/InternalError" }
        }
      }
    },
    "/api/v1/lifecycle/distribution": {
      "get": {
        "tags": ["Lifecycle"],
        "operationId": "getLifecycleDistribution",
        "summary": "Profiles per lifecycle stage, with the windows in force",
        "description": "Every stage — the funnel 引入 acquired → 激活 activated → 留存 retained → 转化 converted, then 沉默 dormant, 流失 churned, 召回 won back — with its count, the dormancy window N in force (learned from the median repurchase interval by the last run; the configured fallback before any run), the median it came from, and the churn window M.",
        "security": [{ "adminKey": [] }],
        "responses": {
          "200": {
            "description": "The distribution.",
            "content": { "application/json": { "schema": { "$ref": "#/components/schemas/LifecycleDistribution" } } }
          },
          "401": { "$ref": "#/components/responses/AdminUnauthorized" },
          "500": { "$ref": "#/components/responses/InternalError" }
        }
      }
    },
    "/api/v1/profiles/{id}/lifecycle": {
      "get": {
        "tags": ["Lifecycle"],
        "operationId": "getProfileLifecycle",
        "summary": "A profile's lifecycle stage and churn risk",
        "description": "All fields but `profileId` are null for a profile not evaluated yet.",
        "security": [{ "adminKey": [] }],
        "parameters": [{ "$ref": "#/components/parameters/ProfileId" }],
        "responses": {
          "200": { "description": "The stage.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ProfileLifecycle" } } } },
          "400": { "$ref": "#/components/responses/InvalidId" },
          "401": { "$ref": "#/components/responses/AdminUnauthorized" },
          "404": { "$ref": "#/components/responses/NotFound" },
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
      },
      "TagName": {
        "name": "name",
        "in": "path",
        "required": true,
        "description": "Tag name, percent-encoded (`%E4%BC%9A%E5%91%98` for 会员).",
        "schema": { "type": "string" }
      },
      "TagGroupName": { "name": "name", "in": "path", "required": true, "description": "Tag group name, percent-encoded.", "schema": { "type": "string" } },
      "TagRuleId": { "name": "id", "in": "path", "required": true, "description": "Auto-tag rule id.", "schema": { "$ref": "#/components/schemas/DefinitionId" } },
      "SegmentId": { "name": "id", "in": "path", "required": true, "description": "Segment id.", "schema": { "$ref": "#/components/schemas/DefinitionId" } }
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
      },
      "RuleRefused": {
        "description": "Nothing was saved. `invalid_request`/`invalid_json`: a member is missing, invalid or unknown (ids are 1 to 64 of `A-Z a-z 0-9 _ - .`; names at most 200 characters), or both or neither of `rule`/`ruleText` were given. Otherwise the rule was refused, with `path` naming the offending node (`all[1].not`; empty for the root), `field` saying which member held the rule, and, for `ruleText`, `offset` (in characters) where the problem is: `syntax_error`, `unknown_field` (a JSON member the node does not define), `missing_field`, `wrong_type`, `unknown_condition`, `unknown_operator`, `absurd_window` (a day window outside 1…3650), `absurd_count`, `absurd_score`, `empty_group`, `empty_list`, `too_many_values`, `depth_exceeded`, `too_many_conditions`, `invalid_name`, `invalid_date`, `inverted_range`; against the workspace: `unknown_stage`, `unknown_layer`, `unknown_segment`, `unknown_tag` (also for a tag rule's `tag`), and `segment_cycle` with the `chain` of segments (`[\"a\", \"b\", \"a\"]`).",
        "content": {
          "application/json": {
            "schema": { "$ref": "#/components/schemas/RuleError" },
            "example": {
              "code": "unknown_stage",
              "message": "no lifecycle stage named \"沉睡\" (known: acquired, activated, churned, converted, dormant, retained, won_back)",
              "path": "all[2].not",
              "field": "ruleText"
            }
          }
        }
      }
    },
    "schemas": {
      "Error": {
        "type": "object",
        "description": "Every error response. `code` is stable; `message` is for people. Any endpoint may also answer, before a route sees the request: `400 malformed_request` (HTTP the server cannot parse), `400 invalid_text` (`%00` in the URL), `405 method_not_allowed` (with `Allow`), `408 request_timeout` (headers or body too slow), `413 payload_too_large` (a declared `Content-Length` over the endpoint's limit), `431 headers_too_large`, `503 too_many_connections` (with `Retry-After`).",
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
      },
      "DefinitionId": {
        "type": "string",
        "pattern": "^[A-Za-z0-9][A-Za-z0-9_.\\-]{0,63}$",
        "description": "Id of an auto-tag rule or segment: 1 to 64 of `A-Z a-z 0-9 _ - .`, starting with a letter or digit. Segment ids may not be `preview`.",
        "examples": ["vip-skincare"]
      },
      "TagNameString": {
        "type": "string",
        "minLength": 1,
        "maxLength": 64,
        "description": "1 to 64 characters (at most 200 UTF-8 bytes), without control characters, `|` or `/`; surrounding spaces are trimmed. `bulk` and `import` are reserved for tags.",
        "examples": ["会员", "高频护肤"]
      },
      "TagGroup": {
        "type": "object",
        "required": ["name", "description", "createdAt"],
        "properties": { "name": { "type": "string" }, "description": { "type": "string" }, "createdAt": { "$ref": "#/components/schemas/Timestamp" } }
      },
      "TagInput": {
        "type": "object",
        "additionalProperties": false,
        "properties": {
          "name": { "$ref": "#/components/schemas/TagNameString" },
          "group": { "type": ["string", "null"], "description": "An existing tag group." },
          "description": { "type": "string", "maxLength": 500 }
        }
      },
      "Tag": {
        "type": "object",
        "required": ["name", "group", "description", "createdAt", "profileCount"],
        "properties": {
          "name": { "type": "string" },
          "group": { "type": ["string", "null"] },
          "description": { "type": "string" },
          "createdAt": { "$ref": "#/components/schemas/Timestamp" },
          "profileCount": { "type": "integer", "description": "Profiles (cluster roots) holding the tag." }
        }
      },
      "TagDetail": {
        "allOf": [
          { "$ref": "#/components/schemas/Tag" },
          {
            "type": "object",
            "required": ["maintainedBy", "usedBy"],
            "properties": {
              "maintainedBy": { "type": "array", "items": { "type": "string" }, "description": "Ids of auto-tag rules that put this tag on or take it off." },
              "usedBy": {
                "type": "array",
                "items": { "type": "string" },
                "description": "Definitions naming the tag (`segment X`, `tag rule Y`); while any does, the tag cannot be deleted."
              }
            }
          }
        ]
      },
      "ProfileTag": {
        "type": "object",
        "required": ["tag", "group", "source", "sourceRef", "taggedAt"],
        "properties": {
          "tag": { "type": "string" },
          "group": { "type": ["string", "null"] },
          "source": {
            "type": "string",
            "enum": ["manual", "rule", "import", "channel"],
            "description": "`manual`: an operator; `rule`: an auto-tag rule (`sourceRef` is its id); `import`: a CSV upload; `channel`: a channel code (`sourceRef`, e.g. the WeCom contact-me QR code the customer came through)."
          },
          "sourceRef": { "type": ["string", "null"] },
          "taggedAt": { "$ref": "#/components/schemas/Timestamp" }
        }
      },
      "ProfileTags": {
        "type": "object",
        "required": ["profileId", "tags"],
        "properties": {
          "profileId": { "type": "integer", "format": "int64", "description": "The cluster root." },
          "tags": { "type": "array", "items": { "$ref": "#/components/schemas/ProfileTag" } }
        }
      },
      "ProfileTagRequest": {
        "type": "object",
        "required": ["tags"],
        "additionalProperties": false,
        "properties": {
          "tags": { "type": "array", "minItems": 1, "maxItems": 50, "items": { "type": "string" } },
          "source": { "type": "string", "enum": ["manual", "channel", "import"], "default": "manual" },
          "sourceRef": { "type": "string", "maxLength": 200 }
        }
      },
      "BulkTagRequest": {
        "type": "object",
        "required": ["action", "tags"],
        "additionalProperties": false,
        "properties": {
          "action": { "type": "string", "enum": ["add", "remove"] },
          "tags": { "type": "array", "minItems": 1, "maxItems": 50, "items": { "type": "string" } },
          "profiles": { "type": "array", "items": { "type": "integer", "format": "int64" } },
          "identities": { "type": "array", "items": { "type": "string" }, "description": "`type:value`, or `wechat_openid:APPID:VALUE`." },
          "source": { "type": "string", "enum": ["manual", "channel", "import"], "default": "manual" },
          "sourceRef": { "type": "string", "maxLength": 200 }
        }
      },
      "BulkTagResult": {
        "type": "object",
        "required": ["action", "tags", "profiles", "changed"],
        "properties": {
          "action": { "type": "string", "enum": ["add", "remove"] },
          "tags": { "type": "array", "items": { "type": "string" } },
          "profiles": { "type": "integer", "description": "Distinct cluster roots named." },
          "changed": { "type": "integer", "description": "(profile, tag) pairs added or removed." }
        }
      },
      "ListUploadReport": {
        "type": "object",
        "required": ["rows", "acceptedRows", "profiles", "rejectedCount", "rejected", "rejectedTruncated"],
        "properties": {
          "rows": { "type": "integer", "description": "Data rows in the file (header and blank lines excluded)." },
          "acceptedRows": { "type": "integer" },
          "profiles": { "type": "integer", "description": "Distinct profiles the accepted rows name." },
          "rejectedCount": { "type": "integer" },
          "rejected": {
            "type": "array",
            "description": "The first 1,000 rejected rows, in file order.",
            "items": {
              "type": "object",
              "required": ["row", "reason"],
              "properties": {
                "row": { "type": "integer", "description": "Row number as a spreadsheet shows it (the header is row 1)." },
                "reason": { "type": "string", "examples": ["no profile with phone:+8613900139000", "unknown tag \"会园\""] }
              }
            }
          },
          "rejectedTruncated": { "type": "boolean" }
        }
      },
      "SegmentRule": {
        "type": "object",
        "required": ["type"],
        "additionalProperties": true,
        "description": "A rule tree in the JSON form: groups `{\"type\": \"all\"|\"any\", \"rules\": [...]}` and `{\"type\": \"not\", \"rule\": ...}` nest up to 16 levels around conditions: `trait` (`key` + predicate), `has_tag`/`lacks_tag` (`tag`), `performed` (`event`, `op` at_least|at_most|exactly, `count`, optional `days`, optional `where` filters), `first_event`/`last_event` (`event`, `relation` within|before|after, `days`), `rfm_layer`/`stage` (`op` eq + `value`, or `op` in + `values`), `rfm_score` (`dimension` r|f|m, `op`, `value` 1…5), `channel` (`channel`), `in_segment` (`segment`), `consent` (`purpose`, `state` granted|denied|unknown). Predicates: `op` eq|ne|lt|lte|gt|gte|contains with `value`, `starts_with`, `between` with `min`/`max`, `in` with `values`, `exists`/`not_exists`, `within_last`/`birthday_within` with `days`. Dates are `{\"date\": \"2026-01-01\"}`. Unknown members are refused, so a typo cannot silently widen an audience. The equivalent text form is given in `ruleText` (see `RuleInput`).",
        "properties": {
          "type": {
            "type": "string",
            "enum": [
              "all",
              "any",
              "not",
              "trait",
              "has_tag",
              "lacks_tag",
              "performed",
              "first_event",
              "last_event",
              "rfm_layer",
              "stage",
              "rfm_score",
              "channel",
              "in_segment",
              "consent"
            ]
          }
        },
        "examples": [
          {
            "type": "all",
            "rules": [
              {
                "type": "performed",
                "event": "Order Completed",
                "op": "at_least",
                "count": 2,
                "days": 90,
                "where": [{ "key": "category", "op": "eq", "value": "护肤" }]
              },
              { "type": "has_tag", "tag": "会员" },
              { "type": "not", "rule": { "type": "stage", "op": "eq", "value": "流失" } }
            ]
          }
        ]
      },
      "RuleInput": {
        "type": "object",
        "description": "Exactly one of `rule` (JSON form) and `ruleText` (text form).",
        "properties": {
          "rule": { "$ref": "#/components/schemas/SegmentRule" },
          "ruleText": {
            "type": "string",
            "maxLength": 100000,
            "description": "The text form: `performed \"Order Completed\" >= 2 times in 90d where category = \"护肤\" and has tag \"会员\" and not stage = \"流失\"`. Keywords are case-insensitive; `and` binds tighter than `or`; `not`, parentheses and `all(…)`/`any(…)` group. Conditions: `KEY OP VALUE` (traits; also `between`, `in [..]`, `contains`, `starts with`, `exists`, `within 30d`, `birthday within next 7d`), `has tag \"T\"`, `lacks tag \"T\"`, `performed \"E\" [>= N times] [in Nd | ever] [where …]`, `first|last \"E\" within Nd | before Nd ago | after Nd ago`, `rfm layer = \"X\"`, `rfm r >= 4`, `stage = \"X\"` / `stage in [..]`, `channel present \"wecom\"`, `in segment \"id\"`, `consent \"marketing\" granted`."
          }
        }
      },
      "RuleError": {
        "allOf": [
          { "$ref": "#/components/schemas/Error" },
          {
            "type": "object",
            "properties": {
              "code": {
                "enum": [
                  "invalid_request",
                  "invalid_json",
                  "syntax_error",
                  "unknown_field",
                  "missing_field",
                  "wrong_type",
                  "unknown_condition",
                  "unknown_operator",
                  "absurd_window",
                  "absurd_count",
                  "absurd_score",
                  "empty_group",
                  "empty_list",
                  "too_many_values",
                  "depth_exceeded",
                  "too_many_conditions",
                  "invalid_name",
                  "invalid_date",
                  "inverted_range",
                  "unknown_stage",
                  "unknown_layer",
                  "unknown_segment",
                  "segment_cycle",
                  "unknown_tag"
                ]
              },
              "path": {
                "type": "string",
                "description": "The offending node: steps `all[i]`, `any[i]`, `not`, `where[i]` joined by `.`; empty for the root."
              },
              "offset": { "type": "integer", "description": "`ruleText` only, when known: position of the problem in Unicode scalars from the start." },
              "field": { "type": "string", "enum": ["rule", "ruleText"] },
              "chain": {
                "type": "array",
                "items": { "type": "string" },
                "description": "`segment_cycle` only: the cycle, starting and ending with the same segment."
              }
            }
          }
        ]
      },
      "InUseError": {
        "allOf": [
          { "$ref": "#/components/schemas/Error" },
          {
            "type": "object",
            "required": ["usedBy"],
            "properties": {
              "code": { "enum": ["tag_in_use", "segment_in_use", "rfm_layer_in_use"] },
              "usedBy": { "type": "array", "items": { "type": "string" }, "examples": [["segment vip", "tag rule skincare"]] }
            }
          }
        ]
      },
      "TagRuleInput": {
        "allOf": [
          { "$ref": "#/components/schemas/RuleInput" },
          {
            "type": "object",
            "required": ["name", "tag"],
            "properties": {
              "id": { "$ref": "#/components/schemas/DefinitionId" },
              "name": { "type": "string", "maxLength": 200 },
              "tag": { "type": "string", "description": "A defined tag." },
              "action": { "type": "string", "enum": ["add", "remove"], "default": "add" },
              "enabled": { "type": "boolean", "default": true }
            }
          }
        ]
      },
      "TagRule": {
        "type": "object",
        "required": ["id", "name", "tag", "action", "enabled", "rule", "ruleText", "timeDependent", "createdAt", "updatedAt"],
        "properties": {
          "id": { "type": "string" },
          "name": { "type": "string" },
          "tag": { "type": "string" },
          "action": { "type": "string", "enum": ["add", "remove"] },
          "enabled": { "type": "boolean" },
          "rule": { "$ref": "#/components/schemas/SegmentRule" },
          "ruleText": { "type": "string", "description": "The same rule in the canonical text form." },
          "timeDependent": {
            "type": "boolean",
            "description": "Whether the rule can change merely because time passes (windows like `in 90d`); such rules are re-applied by the hourly sweep."
          },
          "createdAt": { "$ref": "#/components/schemas/Timestamp" },
          "updatedAt": { "$ref": "#/components/schemas/Timestamp" }
        }
      },
      "SavedTagRule": {
        "allOf": [
          { "$ref": "#/components/schemas/TagRule" },
          {
            "type": "object",
            "required": ["applied"],
            "properties": {
              "applied": {
                "type": "object",
                "required": ["tagChanges"],
                "properties": {
                  "tagChanges": { "type": "integer", "description": "Tags added or removed across the workspace by applying the enabled rules just now." }
                }
              }
            }
          }
        ]
      },
      "SegmentInput": {
        "allOf": [
          { "$ref": "#/components/schemas/RuleInput" },
          {
            "type": "object",
            "required": ["name"],
            "properties": {
              "id": { "$ref": "#/components/schemas/DefinitionId" },
              "name": { "type": "string", "maxLength": 200 },
              "description": { "type": "string", "maxLength": 2000 },
              "kind": {
                "type": "string",
                "enum": ["dynamic", "static"],
                "default": "dynamic",
                "description": "A dynamic segment needs a rule; a static one must not have one."
              }
            }
          }
        ]
      },
      "Segment": {
        "type": "object",
        "required": ["id", "name", "description", "kind", "rule", "ruleText", "timeDependent", "memberCount", "createdAt", "updatedAt", "evaluatedAt"],
        "properties": {
          "id": { "type": "string" },
          "name": { "type": "string" },
          "description": { "type": "string" },
          "kind": { "type": "string", "enum": ["dynamic", "static"] },
          "rule": {
            "oneOf": [{ "$ref": "#/components/schemas/SegmentRule" }, { "type": "null" }],
            "description": "With stage and layer names resolved to ids; null for a static segment."
          },
          "ruleText": { "type": ["string", "null"] },
          "timeDependent": { "type": "boolean" },
          "memberCount": { "type": "integer" },
          "createdAt": { "$ref": "#/components/schemas/Timestamp" },
          "updatedAt": { "$ref": "#/components/schemas/Timestamp" },
          "evaluatedAt": {
            "type": ["string", "null"],
            "format": "date-time",
            "description": "When the members were last recomputed in full (dynamic) or replaced (static)."
          }
        }
      },
      "SegmentDetail": {
        "allOf": [
          { "$ref": "#/components/schemas/Segment" },
          {
            "type": "object",
            "required": ["dependsOn", "usedBy"],
            "properties": {
              "dependsOn": { "type": "array", "items": { "type": "string" }, "description": "Segments this one reads through `in segment`." },
              "usedBy": { "type": "array", "items": { "type": "string" }, "description": "Definitions naming this segment (`segment X`, `tag rule Y`)." }
            }
          }
        ]
      },
      "SavedSegment": {
        "allOf": [
          { "$ref": "#/components/schemas/Segment" },
          {
            "type": "object",
            "required": ["evaluation"],
            "properties": {
              "evaluation": {
                "type": "object",
                "required": ["entered", "exited", "dependentsEvaluated"],
                "properties": {
                  "entered": { "type": "integer" },
                  "exited": { "type": "integer" },
                  "dependentsEvaluated": {
                    "type": "array",
                    "items": { "type": "string" },
                    "description": "Dynamic segments built on this one, recomputed after it, in order."
                  }
                }
              }
            }
          }
        ]
      },
      "SegmentPreview": {
        "type": "object",
        "required": ["size", "sample", "rule", "ruleText"],
        "properties": {
          "size": { "type": "integer" },
          "sample": { "type": "array", "items": { "$ref": "#/components/schemas/ProfileSummary" } },
          "rule": { "$ref": "#/components/schemas/SegmentRule" },
          "ruleText": { "type": "string" }
        }
      },
      "SegmentChange": {
        "type": "object",
        "required": ["seq", "segmentId", "profileId", "change", "at", "reason"],
        "properties": {
          "seq": { "type": "integer", "format": "int64", "description": "Position in the workspace's enter/exit log; the cursor." },
          "segmentId": { "type": "string" },
          "profileId": { "type": "integer", "format": "int64" },
          "change": { "type": "string", "enum": ["enter", "exit"] },
          "at": { "$ref": "#/components/schemas/Timestamp" },
          "reason": { "type": "string" }
        }
      },
      "ProfileSummary": {
        "type": "object",
        "required": ["id", "identities", "traits", "firstSeen", "lastSeen"],
        "properties": {
          "id": { "type": "integer", "format": "int64" },
          "identities": { "type": "array", "items": { "$ref": "#/components/schemas/Identity" } },
          "traits": { "type": "object", "additionalProperties": true },
          "firstSeen": { "type": ["string", "null"], "format": "date-time" },
          "lastSeen": { "type": ["string", "null"], "format": "date-time" }
        }
      },
      "RFMLayer": {
        "type": "object",
        "required": ["id", "chineseName", "englishName"],
        "properties": {
          "id": { "type": "string", "examples": ["champions"] },
          "chineseName": { "type": "string", "examples": ["超级用户"] },
          "englishName": { "type": "string", "examples": ["Champions"] }
        }
      },
      "RFMConfiguration": {
        "type": "object",
        "additionalProperties": false,
        "description": "Every member has a default.",
        "properties": {
          "orderEvents": { "type": "array", "items": { "type": "string" }, "default": ["Order Completed"], "description": "Event names that count as orders." },
          "amountProperties": {
            "type": "array",
            "items": { "type": "string" },
            "default": ["revenue", "amount", "total"],
            "description": "Properties that may hold an order's amount, tried in order."
          },
          "windowDays": { "type": "integer", "minimum": 1, "default": 365, "description": "Only orders in the last `windowDays` days count." },
          "scoring": {
            "oneOf": [
              {
                "type": "object",
                "required": ["quantiles"],
                "properties": {
                  "quantiles": { "type": "object", "required": ["buckets"], "properties": { "buckets": { "type": "integer", "minimum": 2, "maximum": 9 } } }
                },
                "description": "Relative: the buyers split into equal slices (the default: 5)."
              },
              {
                "type": "object",
                "required": ["thresholds"],
                "properties": {
                  "thresholds": {
                    "type": "object",
                    "required": ["r", "f", "m"],
                    "properties": {
                      "r": {
                        "type": "array",
                        "items": { "type": "integer" },
                        "description": "Most days since the last order that still earn each step above 1."
                      },
                      "f": { "type": "array", "items": { "type": "integer" }, "description": "Fewest orders that earn each step." },
                      "m": { "type": "array", "items": { "type": "number" }, "description": "Smallest total amount that earns each step." }
                    }
                  }
                },
                "description": "Absolute: the brand's own cut points, strictly increasing, the same number (1…8) per dimension."
              }
            ],
            "default": { "quantiles": { "buckets": 5 } }
          },
          "layers": {
            "type": "object",
            "required": ["rules"],
            "description": "Ordered rules from score ranges to layers; the first matching rule wins. Every cell must have a layer, and every rule must win some cell. The default is the eight standard layers (超级用户 champions, 核心用户 loyal, 新用户 new, 潜力用户 potential, 需唤醒 need_attention, 流失风险 at_risk, 沉睡用户 hibernating, 已流失 lost).",
            "properties": {
              "rules": {
                "type": "array",
                "items": {
                  "type": "object",
                  "required": ["layer", "r", "f"],
                  "properties": {
                    "layer": { "$ref": "#/components/schemas/RFMLayer" },
                    "r": {
                      "type": "array",
                      "items": { "type": "integer" },
                      "minItems": 2,
                      "maxItems": 2,
                      "description": "Inclusive score range `[low, high]`."
                    },
                    "f": { "type": "array", "items": { "type": "integer" }, "minItems": 2, "maxItems": 2 },
                    "m": { "type": "array", "items": { "type": "integer" }, "minItems": 2, "maxItems": 2, "description": "Absent: any M." }
                  }
                }
              }
            }
          }
        }
      },
      "RFMLastRun": {
        "type": ["object", "null"],
        "required": ["computedAt", "scoredProfiles", "cutPoints"],
        "properties": {
          "computedAt": { "$ref": "#/components/schemas/Timestamp" },
          "scoredProfiles": { "type": "integer" },
          "cutPoints": {
            "type": ["object", "null"],
            "properties": {
              "recencyDays": { "type": "array", "items": { "type": "integer" } },
              "orderCounts": { "type": "array", "items": { "type": "integer" } },
              "amounts": { "type": "array", "items": { "type": "number" } }
            }
          }
        }
      },
      "RFMConfigurationState": {
        "type": "object",
        "required": ["config", "lastRun"],
        "properties": { "config": { "$ref": "#/components/schemas/RFMConfiguration" }, "lastRun": { "$ref": "#/components/schemas/RFMLastRun" } }
      },
      "RFMRunResult": {
        "type": "object",
        "required": ["scoredProfiles", "layerChanges", "requeuedProfiles", "computedAt"],
        "properties": {
          "scoredProfiles": { "type": "integer" },
          "layerChanges": { "type": "integer" },
          "requeuedProfiles": { "type": "integer", "description": "Profiles whose score changed, queued for re-evaluation." },
          "computedAt": { "type": ["string", "null"], "format": "date-time" }
        }
      },
      "RFMDistribution": {
        "type": "object",
        "required": ["layers", "cells", "scale", "scoredProfiles", "profiles", "windowDays", "lastRun"],
        "properties": {
          "layers": {
            "type": "array",
            "items": {
              "type": "object",
              "required": ["id", "chineseName", "englishName", "count"],
              "properties": {
                "id": { "type": "string" },
                "chineseName": { "type": ["string", "null"] },
                "englishName": { "type": ["string", "null"] },
                "count": { "type": "integer" }
              }
            }
          },
          "cells": { "type": "object", "additionalProperties": { "type": "integer" }, "examples": [{ "555": 120, "545": 37, "111": 410 }] },
          "scale": { "type": "integer", "description": "The best score (5 for quintiles)." },
          "scoredProfiles": { "type": "integer" },
          "profiles": { "type": "integer", "description": "All profiles of the workspace, scored or not." },
          "windowDays": { "type": "integer" },
          "lastRun": { "$ref": "#/components/schemas/RFMLastRun" }
        }
      },
      "ProfileRFM": {
        "type": "object",
        "required": ["profileId", "score", "windowDays"],
        "properties": {
          "profileId": { "type": "integer", "format": "int64" },
          "windowDays": { "type": "integer" },
          "score": {
            "type": ["object", "null"],
            "required": ["r", "f", "m", "cell", "layer", "orderCount", "totalAmount", "lastOrderAt", "scoredAt"],
            "properties": {
              "r": { "type": "integer" },
              "f": { "type": "integer" },
              "m": { "type": "integer" },
              "cell": { "type": "string", "examples": ["545"] },
              "layer": { "$ref": "#/components/schemas/RFMLayer" },
              "orderCount": { "type": "integer", "description": "Orders in the window." },
              "totalAmount": { "type": "number" },
              "lastOrderAt": { "$ref": "#/components/schemas/Timestamp" },
              "scoredAt": { "$ref": "#/components/schemas/Timestamp" }
            }
          }
        }
      },
      "LifecycleStage": {
        "type": "object",
        "required": ["id", "chineseName"],
        "properties": {
          "id": { "type": "string", "enum": ["acquired", "activated", "retained", "converted", "dormant", "churned", "won_back"] },
          "chineseName": { "type": "string", "enum": ["引入", "激活", "留存", "转化", "沉默", "流失", "召回"] }
        }
      },
      "LifecycleConfiguration": {
        "type": "object",
        "additionalProperties": false,
        "description": "Every member has a default.",
        "properties": {
          "activationEvents": { "type": "array", "items": { "type": "string" }, "default": ["Signed Up", "Signed In", "Product Added"] },
          "returnAfterDays": { "type": "integer", "minimum": 0, "default": 1, "description": "Active again this many days after activating counts as retained." },
          "repeatOrderCount": { "type": "integer", "minimum": 2, "default": 2, "description": "Orders that make a customer converted." },
          "dormancy": {
            "type": "object",
            "properties": {
              "multiplier": { "type": "number", "default": 2 },
              "minimumDays": { "type": "integer", "default": 14 },
              "maximumDays": { "type": "integer", "default": 120 },
              "fallbackDays": { "type": "integer", "default": 60, "description": "Used while the workspace has no repeat purchases." }
            },
            "description": "N = clamp(⌈multiplier × median repurchase interval⌉, minimumDays, maximumDays)."
          },
          "churnAfterDays": {
            "type": "integer",
            "default": 180,
            "description": "Days without activity that make a customer churned; must exceed `dormancy.maximumDays`."
          },
          "wonBackDays": { "type": "integer", "minimum": 0, "default": 30 }
        }
      },
      "LifecycleLastRun": {
        "type": ["object", "null"],
        "required": ["dormantAfterDays", "medianRepurchaseDays", "computedAt"],
        "properties": {
          "dormantAfterDays": { "type": "integer" },
          "medianRepurchaseDays": { "type": ["number", "null"] },
          "computedAt": { "$ref": "#/components/schemas/Timestamp" }
        }
      },
      "LifecycleConfigurationState": {
        "type": "object",
        "required": ["config", "lastRun"],
        "properties": { "config": { "$ref": "#/components/schemas/LifecycleConfiguration" }, "lastRun": { "$ref": "#/components/schemas/LifecycleLastRun" } }
      },
      "LifecycleRunResult": {
        "type": "object",
        "required": ["stageChanges", "backfilledProfiles", "dormantAfterDays", "medianRepurchaseDays", "computedAt"],
        "properties": {
          "stageChanges": { "type": "integer" },
          "backfilledProfiles": { "type": "integer", "description": "Profiles evaluated for the first time (on a workspace's first run)." },
          "dormantAfterDays": { "type": ["integer", "null"] },
          "medianRepurchaseDays": { "type": ["number", "null"] },
          "computedAt": { "type": ["string", "null"], "format": "date-time" }
        }
      },
      "LifecycleDistribution": {
        "type": "object",
        "required": ["stages", "evaluatedProfiles", "dormantAfterDays", "dormancyWindow", "medianRepurchaseDays", "churnAfterDays", "computedAt"],
        "properties": {
          "stages": {
            "type": "array",
            "items": {
              "allOf": [
                { "$ref": "#/components/schemas/LifecycleStage" },
                { "type": "object", "required": ["count"], "properties": { "count": { "type": "integer" } } }
              ]
            }
          },
          "evaluatedProfiles": { "type": "integer" },
          "dormantAfterDays": { "type": "integer", "description": "The dormancy window N in force." },
          "dormancyWindow": {
            "type": "string",
            "enum": ["learned", "fallback"],
            "description": "`learned` from the last run's median repurchase interval, or the configured `fallback` before any run."
          },
          "medianRepurchaseDays": { "type": ["number", "null"] },
          "churnAfterDays": { "type": "integer" },
          "computedAt": { "type": ["string", "null"], "format": "date-time" }
        }
      },
      "ProfileLifecycle": {
        "type": "object",
        "required": ["profileId", "stage", "since", "rule", "reason", "churnRisk", "evaluatedAt"],
        "properties": {
          "profileId": { "type": "integer", "format": "int64" },
          "stage": { "oneOf": [{ "$ref": "#/components/schemas/LifecycleStage" }, { "type": "null" }] },
          "since": { "type": ["string", "null"], "format": "date-time" },
          "rule": { "type": ["string", "null"], "description": "Which rule decided the stage, e.g. `repeat_orders`, `churn_window_passed`." },
          "reason": { "type": ["string", "null"], "description": "Why, in words: `no activity for 61 days; dormant after 60`." },
          "churnRisk": { "type": ["number", "null"], "minimum": 0, "maximum": 1, "description": "Probability of churning, for buyers." },
          "evaluatedAt": { "type": ["string", "null"], "format": "date-time" }
        }
      }
    }
  }
}
"""#
}
