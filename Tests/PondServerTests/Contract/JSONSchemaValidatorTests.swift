import PondCore
import PondTestSupport
import Testing

/// The validator the server tests hold every response to. Each test names what must be refused and where, so a
/// validator that accepted everything (or reported the wrong place) would fail them.
@Suite("JSON Schema validator")
struct JSONSchemaValidatorTests {
    /// A document whose `components.schemas` the schemas under test may refer to.
    static let document: JSONValue = [
        "components": [
            "schemas": [
                "Id": ["type": "integer", "minimum": 1],
                "Named": ["type": "object", "required": ["name"], "properties": ["name": ["type": "string"]]],
                "Tree": [
                    "type": "object", "required": ["value"],
                    "properties": ["value": ["type": "integer"], "children": ["type": "array", "items": ["$ref": "#/components/schemas/Tree"]]],
                ],
                "Loop": ["$ref": "#/components/schemas/Loop"],
                "a/b~c": ["const": "escaped"],
            ],
        ],
    ]

    /// The paths of the violations of `schema` by `instance`.
    func violations(_ instance: JSONValue, _ schema: JSONValue) -> [String] {
        JSONSchemaValidator(root: Self.document).validate(instance, against: schema).map(\.description)
    }

    func paths(_ instance: JSONValue, _ schema: JSONValue) -> [String] {
        JSONSchemaValidator(root: Self.document).validate(instance, against: schema).map(\.path)
    }

    @Test("type: each JSON type is told apart, and only its own values pass")
    func types() {
        let samples: [String: JSONValue] = [
            "null": .null, "boolean": true, "integer": 3, "number": 2.5, "string": "s", "array": [1], "object": ["a": 1],
        ]
        for type in samples.keys {
            for (other, otherValue) in samples {
                let passes = paths(otherValue, ["type": .string(type)]).isEmpty
                let expected = other == type || (type == "number" && other == "integer")
                #expect(passes == expected, "\(otherValue) against type \(type)")
            }
        }
        #expect(violations("s", ["type": "integer"]) == [#"$: expected integer, got string"#])
    }

    @Test("type: an integral number is an integer, a fractional one is not")
    func integers() {
        #expect(paths(2.0, ["type": "integer"]).isEmpty)
        #expect(paths(2.5, ["type": "integer"]) == ["$"])
        #expect(paths(.int(Int64.max), ["type": "number"]).isEmpty)
    }

    @Test("type: a list of types takes any of them, null included")
    func typeLists() {
        let schema: JSONValue = ["type": ["string", "null"]]
        #expect(paths("x", schema).isEmpty)
        #expect(paths(.null, schema).isEmpty)
        #expect(violations(1, schema) == ["$: expected string or null, got integer"])
        #expect(paths(1, ["type": ["string", "integer", "null"]]).isEmpty)
        #expect(paths(false, ["type": ["string", "integer", "null"]]) == ["$"])
        #expect(violations(1, ["type": "int"]) == ["$: unknown type int"])
    }

    @Test("enum and const compare JSON values, numbers by value")
    func enumAndConst() {
        let schema: JSONValue = ["enum": ["a", "b", 1, .null]]
        for value: JSONValue in ["a", "b", 1, 1.0, .null] { #expect(paths(value, schema).isEmpty, "\(value)") }
        for value: JSONValue in ["c", 2, true, ["a"]] { #expect(paths(value, schema) == ["$"], "\(value)") }
        #expect(violations("c", ["enum": ["a", "b"]]) == [#"$: "c" is not one of "a", "b""#])
        #expect(paths("track", ["const": "track"]).isEmpty)
        #expect(violations("page", ["const": "track"]) == [#"$: expected "track", got "page""#])
        #expect(paths(["a": [1, 2]], ["const": ["a": [1, 2.0]]]).isEmpty)
        #expect(paths(["a": [1, 2]], ["const": ["a": [2, 1]]]) == ["$"])
        #expect(paths(["a": 1], ["const": ["a": 1, "b": 2]]) == ["$"])
    }

    @Test("required names each missing member; properties check the members present, at their paths")
    func objects() {
        let schema: JSONValue = [
            "type": "object", "required": ["id", "name"],
            "properties": ["id": ["type": "integer"], "name": ["type": "string"], "content-type": ["type": "string"]],
        ]
        #expect(paths(["id": 1, "name": "n", "extra": true], schema).isEmpty)
        #expect(violations(["name": "n"], schema) == [#"$: required member "id" is missing"#])
        #expect(violations(["id": "1", "name": 2], schema) == ["$.id: expected integer, got string", "$.name: expected string, got integer"])
        #expect(paths(["id": 1, "name": "n", "content-type": 1], schema) == [#"$["content-type"]"#])
        #expect(paths([1, 2], schema) == ["$"], "an array is not an object")
        #expect(paths([1, 2], ["required": ["id"], "properties": ["id": ["type": "string"]]]).isEmpty, "object keywords skip non-objects")
    }

    @Test("additionalProperties: false refuses undeclared members; a schema checks them")
    func additionalProperties() {
        let closed: JSONValue = ["type": "object", "properties": ["a": ["type": "integer"]], "additionalProperties": false]
        #expect(paths(["a": 1], closed).isEmpty)
        #expect(violations(["a": 1, "b": 2], closed) == [#"$: member "b" is not in the schema's properties"#])
        let map: JSONValue = ["type": "object", "additionalProperties": ["type": "integer"]]
        #expect(paths(["tmall": 2, "crm": 1], map).isEmpty)
        #expect(paths(["tmall": 2, "crm": "1"], map) == ["$.crm"])
    }

    @Test("items checks every element at its index; minItems and maxItems count them")
    func arrays() {
        let schema: JSONValue = ["type": "array", "items": ["type": "string"], "minItems": 1, "maxItems": 2]
        #expect(paths(["a", "b"], schema).isEmpty)
        #expect(paths(["a", 1], schema) == ["$[1]"])
        #expect(violations([], schema) == ["$: 0 items, minItems is 1"])
        #expect(violations(["a", "b", "c"], schema) == ["$: 3 items, maxItems is 2"])
        let nested: JSONValue = ["type": "object", "properties": ["rows": ["type": "array", "items": ["$ref": "#/components/schemas/Named"]]]]
        #expect(violations(["rows": [["name": "a"], ["name": 7]]], nested) == ["$.rows[1].name: expected string, got integer"])
    }

    @Test("minLength and maxLength count characters, not bytes")
    func stringLengths() {
        let schema: JSONValue = ["type": "string", "minLength": 1, "maxLength": 4]
        #expect(paths("超级用户", schema).isEmpty, "four characters, twelve bytes")
        #expect(violations("超级用户们", schema) == ["$: 5 characters, maxLength is 4"])
        #expect(violations("", schema) == ["$: 0 characters, minLength is 1"])
        #expect(paths(12345, ["minLength": 1, "maxLength": 4]).isEmpty, "length keywords skip non-strings")
    }

    @Test("pattern must match somewhere in the string, as ECMA-262 searches")
    func patterns() {
        let identityType: JSONValue = ["type": "string", "pattern": #"^[a-z][a-z0-9_]{0,39}(:[A-Za-z0-9_.\-]{1,64})?$"#]
        for type: JSONValue in ["phone", "wechat_openid:wx1234abcd", "tmall_nick"] { #expect(paths(type, identityType).isEmpty, "\(type)") }
        for type: JSONValue in ["Phone", "phone:", "1phone", "wechat openid"] { #expect(paths(type, identityType) == ["$"], "\(type)") }
        #expect(paths("abc-123", ["pattern": "[0-9]+"]).isEmpty, "unanchored")
        #expect(violations("x", ["pattern": "("]) == [#"$: pattern "(" is not a regular expression"#])
    }

    @Test("minimum and maximum are inclusive and skip non-numbers")
    func numberBounds() {
        let schema: JSONValue = ["type": "number", "minimum": 0, "maximum": 1]
        for value: JSONValue in [0, 1, 0.5, 1.0] { #expect(paths(value, schema).isEmpty, "\(value)") }
        #expect(violations(-0.1, schema) == ["$: -0.1 is below 0"])
        #expect(violations(2, schema) == ["$: 2 is above 1"])
        #expect(paths(.int(9_007_199_254_740_993), ["maximum": .int(9_007_199_254_740_992)]) == ["$"], "integers compare exactly")
        #expect(paths("2", ["maximum": 1]).isEmpty)
    }

    @Test("allOf needs every schema, anyOf one or more, oneOf exactly one")
    func combinators() {
        let allOf: JSONValue = ["allOf": [["$ref": "#/components/schemas/Named"], ["required": ["id"]]]]
        #expect(paths(["name": "a", "id": 1], allOf).isEmpty)
        #expect(violations(["id": 1], allOf) == [#"$: required member "name" is missing"#])
        let anyOf: JSONValue = ["anyOf": [["type": "string"], ["type": "integer", "minimum": 10]]]
        #expect(paths("s", anyOf).isEmpty)
        #expect(paths(12, anyOf).isEmpty)
        #expect(violations(5, anyOf) == ["$: matches none of the anyOf schemas: [0] $: expected string, got integer; [1] $: 5 is below 10"])
        let oneOf: JSONValue = ["oneOf": [["type": "integer"], ["type": "number"]]]
        #expect(paths(2.5, oneOf).isEmpty)
        #expect(violations(2, oneOf) == ["$: matches oneOf schemas 0, 1, not exactly one"])
        #expect(paths("2", oneOf) == ["$"])
        let nullable: JSONValue = ["oneOf": [["$ref": "#/components/schemas/Named"], ["type": "null"]]]
        #expect(paths(.null, nullable).isEmpty)
        #expect(paths(["name": "a"], nullable).isEmpty)
        #expect(paths(["name": 1], nullable) == ["$"])
    }

    @Test("$ref follows JSON pointers into the document, recursively, and its siblings apply too")
    func references() {
        #expect(paths(3, ["$ref": "#/components/schemas/Id"]).isEmpty)
        #expect(violations(0, ["$ref": "#/components/schemas/Id"]) == ["$: 0 is below 1"])
        let tree: JSONValue = ["value": 1, "children": [["value": 2], ["value": 3, "children": [["value": "4"]]]]]
        #expect(paths(tree, ["$ref": "#/components/schemas/Tree"]) == ["$.children[1].children[0].value"])
        #expect(paths(5, ["$ref": "#/components/schemas/Id", "maximum": 4]) == ["$"])
        #expect(paths("escaped", ["$ref": "#/components/schemas/a~1b~0c"]).isEmpty)
        #expect(paths("other", ["$ref": "#/components/schemas/a~1b~0c"]) == ["$"])
        #expect(violations(1, ["$ref": "#/components/schemas/Missing"]) == ["$: $ref #/components/schemas/Missing does not resolve"])
        #expect(violations(1, ["$ref": "other.json#/Id"]) == ["$: $ref other.json#/Id does not resolve"])
        #expect(violations(1, ["$ref": "#/components/schemas/Loop"]) == ["$: $ref #/components/schemas/Loop refers to itself"])
    }

    @Test("boolean schemas: true takes anything, false nothing")
    func booleanSchemas() {
        #expect(paths(["anything": [1]], true).isEmpty)
        #expect(paths(.null, false) == ["$"])
        #expect(paths(["a": [1, 2]], ["properties": ["a": ["items": false]]]) == ["$.a[0]", "$.a[1]"])
    }

    @Test("annotations are ignored; a keyword the validator does not check is a violation, not a pass")
    func unknownKeywords() {
        let annotated: JSONValue = [
            "type": "string", "description": "d", "format": "date-time", "default": "x", "examples": ["y"], "x-pond": true,
        ]
        #expect(paths("not a date", annotated).isEmpty)
        #expect(violations("x", ["type": "string", "nullable": true]) == ["$: the schema uses nullable, which this validator does not check"])
        #expect(JSONSchemaValidator.unsupportedKeywords(in: annotated).isEmpty)
        let nested: JSONValue = [
            "properties": ["a": ["patternProperties": [:]]], "items": ["not": ["type": "null"]],
            "oneOf": [["if": true], ["$ref": "#/x", "type": "string"]],
        ]
        #expect(JSONSchemaValidator.unsupportedKeywords(in: nested) == ["if", "not", "patternProperties"])
    }
}
