import PondChannels
import Testing

@Suite struct AliyunRPCSignatureTests {
    @Test func percentEncodingFollowsAliyunNotFormEncoding() {
        #expect(AliyunRPCSignature.percentEncode("a b") == "a%20b")
        #expect(AliyunRPCSignature.percentEncode("*") == "%2A")
        #expect(AliyunRPCSignature.percentEncode("~-_.") == "~-_.")
        #expect(AliyunRPCSignature.percentEncode("+/=") == "%2B%2F%3D")
        #expect(AliyunRPCSignature.percentEncode("池") == "%E6%B1%A0")
    }

    /// The worked example of Aliyun's signature documentation for `SendSms`, with its published signature.
    @Test func theDocumentedExampleSignsToTheDocumentedSignature() {
        let parameters = [
            "AccessKeyId": "testId", "Action": "SendSms", "Format": "XML", "OutId": "123",
            "PhoneNumbers": "15300000001", "RegionId": "cn-hangzhou", "SignName": "阿里云短信测试专用",
            "SignatureMethod": "HMAC-SHA1", "SignatureNonce": "45e25e9b-0a6f-4070-8c85-2956eda1b466",
            "SignatureVersion": "1.0", "TemplateCode": "SMS_71390007", "TemplateParam": #"{"customer":"test"}"#,
            "Timestamp": "2017-07-12T02:42:19Z", "Version": "2017-05-25",
        ]
        #expect(AliyunRPCSignature.signature(method: "GET", parameters: parameters, secret: "testSecret")
            == "zJDF+Lrzhj/ThnlvIToysFRq6t4=")
        #expect(AliyunRPCSignature.signedQuery(parameters: parameters, secret: "testSecret")
            .hasSuffix("&Signature=zJDF%2BLrzhj%2FThnlvIToysFRq6t4%3D"))
    }

    @Test func parametersAreSortedByName() {
        #expect(AliyunRPCSignature.canonicalizedQuery(["b": "2", "a": "1", "B": "3"]) == "B=3&a=1&b=2")
    }
}
