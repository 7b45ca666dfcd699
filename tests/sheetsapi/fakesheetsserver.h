#pragma once
// A fake Google token endpoint and Sheets API v4 values endpoint, on 127.0.0.1 (port chosen by the system),
// running in its own thread. The token endpoint verifies the JWT's RS256 signature with the PUBLIC half of
// the test key (OpenSSL, independently of the code under test) and checks iss, aud, scope, iat and exp.
#include <QByteArray>
#include <QHash>
#include <QMutex>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QThread>
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

    struct Config
    {
        Mode mode = Mode::Ok;
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
    };

    FakeSheetsServer();
    ~FakeSheetsServer();
    bool start(); // listen on 127.0.0.1:0
    quint16 port() const { return m_port; }
    QString baseUrl() const { return QStringLiteral("http://127.0.0.1:%1").arg(m_port); }
    QString tokenUrl() const { return baseUrl() + QStringLiteral("/token"); }

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
    QByteArray values(const QByteArray &target, const QHash<QByteArray, QByteArray> &headers, bool *noAnswer);
    QByteArray reject(const QString &why, int status, const QByteArray &json);

    mutable QMutex m_mutex;
    Config m_config;
    Stats m_stats;
    QStringList m_tokens;
    quint16 m_port = 0;
    QThread m_thread;
    QObject *m_backend = nullptr;
};

// Verifies an RS256 JWT with a PEM public key; returns the claims JSON, or an empty array with *why set.
QByteArray verifyRs256(const QByteArray &jwt, const QByteArray &publicKeyPem, QString *why);

} // namespace tt::test
