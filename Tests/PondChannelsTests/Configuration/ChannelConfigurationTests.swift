import Foundation
import PondChannels
import PondCore
import Testing

@Suite struct ChannelConfigurationTests {
    func parse(_ json: JSONValue) throws(ChannelConfigurationError) -> ChannelConfiguration {
        try ChannelConfiguration.parse(json)
    }

    func refusal(_ json: JSONValue) -> ChannelConfigurationError? {
        do {
            _ = try parse(json)
            return nil
        } catch {
            return error
        }
    }

    @Test func anAliyunConfigurationGetsThePublishedEndpointAndRegionByDefault() throws {
        let configuration = try parse([
            "type": "sms_aliyun", "accessKeyId": "LTAI5t", "accessKeySecret": "s3cr3t", "signName": "池塘",
        ])
        guard case .aliyunSMS(let sms) = configuration else {
            Issue.record("expected an Aliyun configuration, got \(configuration)")
            return
        }
        #expect(sms.baseURL == "https://dysmsapi.aliyuncs.com")
        #expect(sms.regionId == "cn-hangzhou")
        #expect(sms.accessKeySecret.reveal() == "s3cr3t")
        #expect(configuration.channelID == .sms)
    }

    @Test(arguments: [("none", 25), ("starttls", 587), ("tls", 465)])
    func theSMTPPortDefaultsToTheOneOfItsSecurity(security: String, port: Int) throws {
        let configuration = try parse([
            "type": "smtp", "host": "smtp.example.com", "security": .string(security), "from": "noreply@example.com",
        ])
        guard case .smtp(let smtp) = configuration else {
            Issue.record("expected an SMTP configuration")
            return
        }
        #expect(smtp.port == port)
        #expect(configuration.channelID == .email)
    }

    @Test func anUnknownTypeIsRefusedWithItsOwnCode() {
        let error = refusal(["type": "carrier_pigeon"])
        #expect(error?.code == .unknownType)
        #expect(error?.code.rawValue == "channel_unknown_type")
        #expect(error?.path == "type")
    }

    @Test func aMisspelledMemberIsRefusedNotIgnored() {
        let error = refusal([
            "type": "sms_aliyun", "accessKeyId": "LTAI5t", "acessKeySecret": "s3cr3t", "signName": "池塘",
        ])
        #expect(error?.code.rawValue == "channel_invalid_config")
        // The missing secret is found first, because the misspelling left it unset.
        #expect(error?.path == "accessKeySecret")
        let extra = refusal(["type": "sandbox", "colour": "blue"])
        #expect(extra?.path == "colour")
    }

    @Test func aShortWebhookSecretIsRefusedWithoutBeingQuoted() {
        let error = refusal(["type": "webhook", "url": "https://hooks.example.com/pond", "secret": "tiny-secret"])
        #expect(error?.path == "secret")
        #expect(error.map { !$0.message.contains("tiny-secret") && !$0.description.contains("tiny-secret") } == true)
    }

    @Test func aWebhookURLMustBeHTTP() {
        #expect(refusal(["type": "webhook", "url": "ftp://example.com/x", "secret": "0123456789abcdef"])?.path == "url")
    }

    @Test func anSMTPUsernameNeedsItsPassword() {
        let error = refusal([
            "type": "smtp", "host": "smtp.example.com", "from": "noreply@example.com", "username": "pond",
        ])
        #expect(error?.path == "password")
    }

    @Test func anSMTPSenderMustBeAnAddressOnOneLine() {
        #expect(refusal(["type": "smtp", "host": "h", "from": "not an address"])?.path == "from")
        #expect(refusal(["type": "smtp", "host": "h", "from": "a@example.com\r\nBcc: x@evil.com"])?.path == "from")
    }

    @Test func theRedactedFormShowsWhetherASecretIsSetNeverTheSecret() throws {
        let smtp = try parse([
            "type": "smtp", "host": "smtp.example.com", "from": "noreply@example.com", "username": "pond",
            "password": "hunter2-password",
        ])
        let shown = smtp.redacted()
        #expect(shown["password"] == "set")
        #expect(shown["username"] == "pond")
        #expect(!JSONWriter.string(shown).contains("hunter2-password"))

        let anonymous = try parse(["type": "smtp", "host": "smtp.example.com", "from": "noreply@example.com"])
        #expect(anonymous.redacted()["password"] == .null)

        let sms = try parse([
            "type": "sms_aliyun", "accessKeyId": "LTAI5t", "accessKeySecret": "aliyun-secret-value", "signName": "池塘",
        ])
        #expect(sms.redacted()["accessKeySecret"] == "set")
        #expect(sms.redacted()["accessKeyId"] == "LTAI5t")
        #expect(!JSONWriter.string(sms.redacted()).contains("aliyun-secret-value"))
    }

    @Test func theStoredFormKeepsTheSecretsAndParsesBackToTheSameConfiguration() throws {
        let webhook = try parse([
            "type": "webhook", "url": "https://hooks.example.com/pond", "secret": "0123456789abcdef-secret",
        ])
        #expect(try parse(webhook.json) == webhook)
        let data = try JSONEncoder().encode(webhook)
        #expect(try JSONDecoder().decode(ChannelConfiguration.self, from: data) == webhook)
        #expect(webhook.json["secret"] == "0123456789abcdef-secret")
    }

    @Test func secretsDoNotAppearWhenAConfigurationIsPrintedOrDumped() throws {
        let configuration = try parse([
            "type": "sms_aliyun", "accessKeyId": "LTAI5t", "accessKeySecret": "printed-secret", "signName": "池塘",
        ])
        var dumped = ""
        dump(configuration, to: &dumped)
        #expect(!"\(configuration)".contains("printed-secret"))
        #expect(!String(reflecting: configuration).contains("printed-secret"))
        #expect(!dumped.contains("printed-secret"))
    }
}
