#pragma once
// A fake Google token endpoint and Sheets API v4 values endpoint, on 127.0.0.1 (port chosen by the system),
// running in its own thread. The token endpoint verifies the JWT's RS256 signature with the PUBLIC half of
// the test key (OpenSSL, independently of the code under test) and checks iss, aud, scope, iat and exp.
// For user sign-in it also has an authorization endpoint (GET /auth) that answers 302 to the loopback
// redirect_uri with a code and the state (or error=access_denied), and its token endpoint accepts
// grant_type=authorization_code, checking the code, redirect_uri, client id and secret, and the PKCE
// code_verifier against the code_challenge (S256) the authorization request carried.
// Writing (roster snapshots): a service account may ask for the write scope (auth/spreadsheets); with such a
// token the server answers spreadsheets.get (the tabs' titles), spreadsheets.batchUpdate (addSheet only),
// values.clear and values.update (valueInputOption=RAW only), keeps what was written as the tab's values (a
// later values.get reads it back) and records every write call. A read-only token gets 403 on every write.
#include <QByteArray>
#include <QHash>
#include <QMutex>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QThread>
#include <QUrlQuery>
#include <memory>

namespace tt::test {

class FakeSheetsServer
{
public:
    enum class Mode
    {
        Ok,
        Forbidden,       // 403 PERMISSION_DENIED on values
        ServiceDisabled, // 403 SERVICE_DISABLED on values
        NotFound,        // 404 on values
        TooManyThenOk,   // 429 for the first `failures` values requests, then OK
        ServerError,     // 500 on every values request
        Hang,            // values requests are never answered
    };

    enum class AuthMode
    {
        Approve,         // 302 to redirect_uri?code=...&state=...
        Deny,            // 302 to redirect_uri?error=access_denied&state=...
        WrongState,      // 302 with a code but a state that is not the one sent
        TamperChallenge, // approve, but remember another code_challenge (the verifier will not match)
    };

    struct Config
    {
        Mode mode = Mode::Ok;
        AuthMode authMode = AuthMode::Approve;
        QString oauthClientId;
        QString oauthClientSecret;
        int failures = 2;
        QString spreadsheetId;
        QString clientEmail;
        QByteArray publicKeyPem;
        qint64 clockOffsetSecs = 0;      // the server's clock is this far ahead of the computer's
        QHash<QString, QByteArray> tabs; // tab name -> values JSON body
    };

    struct Stats
    {
        int tokenRequests = 0;
        int tokensIssued = 0;
        int valuesRequests = 0;
        QStringList rejections;  // why token/values requests were refused (for diagnostics)
        QStringList valuesPaths; // the raw (encoded) request targets
        int authorizationRequests = 0;
        int userTokensIssued = 0;
        QStringList authorizationQueries; // the raw query of each GET /auth
        QStringList userTokenForms;       // the raw body of each authorization_code token request
        QStringList scopes;               // the scope of each service-account token issued
        QStringList writes;               // "addSheet <tab>", "clear <range>", "update <range>", in order
        QHash<QString, QList<QStringList>> written; // tab -> the rows of its last values.update (cells as text)
    };

    FakeSheetsServer();
    ~FakeSheetsServer();
    bool start(); // listen on 127.0.0.1:0
    quint16 port() const { return m_port; }
    QString baseUrl() const { return QStringLiteral("http://127.0.0.1:%1").arg(m_port); }
    QString tokenUrl() const { return baseUrl() + QStringLiteral("/token"); }
    QString authUrl() const { return baseUrl() + QStringLiteral("/auth"); }

    void setConfig(const Config &c);
    Config config() const;
    Stats stats() const;
    void resetStats();
    void revokeTokens(); // every token issued so far is refused with 401 from now on

    // Used by the server thread.
    QByteArray handle(const QByteArray &method, const QByteArray &target,
                      const QHash<QByteArray, QByteArray> &headers, const QByteArray &body, bool *noAnswer);

private:
    QByteArray token(const QByteArray &body);
    QByteArray authorize(const QByteArray &target);
    QByteArray userToken(const QUrlQuery &form);
    QByteArray values(const QByteArray &target, const QHash<QByteArray, QByteArray> &headers, bool *noAnswer);
    QByteArray reject(const QString &why, int status, const QByteArray &json);
    QByteArray write(const QByteArray &method, const QByteArray &target, const QHash<QByteArray, QByteArray> &headers,
                     const QByteArray &body);
    QByteArray addSheets(const QByteArray &body);
    QByteArray updateValues(const QString &range, const QUrlQuery &query, const QByteArray &body);

    mutable QMutex m_mutex;
    Config m_config;
    Stats m_stats;
    QStringList m_tokens;
    QStringList m_writeTokens; // tokens issued with the write scope
    struct Grant
    {
        QString challenge, redirectUri, clientId;
    };
    QHash<QString, Grant> m_codes; // issued authorization codes (one use each)
    quint16 m_port = 0;
    QThread m_thread;
    QObject *m_backend = nullptr;
};

// Verifies an RS256 JWT with a PEM public key; returns the claims JSON, or an empty array with *why set.
QByteArray verifyRs256(const QByteArray &jwt, const QByteArray &publicKeyPem, QString *why);

} // namespace tt::test
