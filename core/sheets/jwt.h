#pragma once
// RS256-signed JSON Web Tokens (RFC 7519/7515) for the Google service-account flow, signed with OpenSSL.
// The private key is only ever held in memory: it is passed in as PEM and never written anywhere.
#include <QByteArray>
#include <QString>
#include <nlohmann/json.hpp>

namespace tt::jwt {

// base64url without padding (RFC 7515 section 2).
QByteArray base64Url(const QByteArray &data);
// Decodes base64url with or without padding; returns an empty array and sets *ok=false when invalid.
QByteArray fromBase64Url(const QByteArray &text, bool *ok = nullptr);

// RSASSA-PKCS1-v1_5 with SHA-256 of input under the PEM private key (PKCS#8 "BEGIN PRIVATE KEY" or PKCS#1).
// Returns the raw signature; throws tt::UserError when the key cannot be read or signing fails.
QByteArray signRs256(const QByteArray &input, const QByteArray &privateKeyPem);

// base64url(header).base64url(claims).base64url(signature) with header {"alg":"RS256","typ":"JWT"}
// (and "kid" when keyId is not empty).
QByteArray makeRs256(const nlohmann::json &claims, const QByteArray &privateKeyPem,
                     const QString &keyId = {});

} // namespace tt::jwt
