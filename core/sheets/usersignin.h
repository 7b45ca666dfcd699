#pragma once
// Google user sign-in for reading the sheet: the OAuth 2 installed-app flow ("Desktop app" client) with a
// loopback redirect. The browser is sent to the client's auth_uri (scope spreadsheets.readonly, PKCE S256,
// a random state); Google redirects it to a one-shot HTTP listener on 127.0.0.1 (a free port), and the code is
// exchanged at the client's token_uri for an access token that stays in memory (no refresh token is asked
// for, nothing is stored). Asynchronous and signal-driven: use it on the GUI thread or in a CLI event loop.
#include "sheets/sheetsapi.h"

#include <QObject>
#include <QString>
#include <QUrl>
#include <memory>

class QNetworkReply;

namespace tt {

// An OAuth client file as the Google Cloud console downloads it for a "Desktop app" client:
// {"installed":{"client_id","client_secret","auth_uri","token_uri",...}}. The client secret of an installed
// app is not a real secret, but it is still never written to the project; the file's path may be.
struct OAuthClient
{
    QString path;
    QString clientId;
    QString clientSecret; // in memory only
    QString authUri;
    QString tokenUri;

    // Throws SourceError naming the file and, when one is missing, the field.
    static OAuthClient load(const QString &path);
    static OAuthClient fromJson(const QByteArray &json, const QString &path);

    // The environment variable that points at the client file of this computer.
    static QString environmentVariable() { return QStringLiteral("TT_GOOGLE_CLIENT_FILE"); }
    // The configured client file: $TT_GOOGLE_CLIENT_FILE when set, else `remembered` (from the project or the
    // application settings) when that file exists, else empty (sign-in not available).
    static QString configuredFile(const QString &remembered = {});
};

class UserSignIn : public QObject
{
    Q_OBJECT
public:
    static constexpr int DefaultTimeoutMs = 5 * 60 * 1000; // waiting for the person at the browser

    explicit UserSignIn(OAuthClient client, QObject *parent = nullptr);
    ~UserSignIn() override;

    const OAuthClient &client() const { return m_client; }
    void setTimeoutMs(int ms) { m_timeoutMs = ms; }
    int timeoutMs() const { return m_timeoutMs; }

    // Starts listening on 127.0.0.1 and emits authorizeWithBrowser(). Ends with exactly one of granted(),
    // failed() or cancelled(). Returns false (and emits failed) when it cannot start; false when running.
    bool start();
    // Stops waiting (closes the listener, aborts the token request) and emits cancelled().
    void cancel();
    bool isRunning() const { return m_attempt != nullptr; }

    // While running: the loopback address the browser is sent back to, and its port.
    QUrl redirectUri() const;
    quint16 redirectPort() const;
    // Redirects that arrived with a wrong or missing state (ignored: they may not come from this sign-in).
    int ignoredRedirects() const { return m_ignoredRedirects; }

    // After granted(): the access token (memory only) for SheetsApiClient / importFromSheetsApi.
    UserAccessToken token() const { return m_token; }

    // PKCE (RFC 7636): a random code_verifier and its S256 code_challenge (base64url, no padding).
    static QByteArray makeCodeVerifier();
    static QByteArray codeChallenge(const QByteArray &verifier);

signals:
    void authorizeWithBrowser(const QUrl &url); // the ui opens it; the CLI prints it
    void granted();
    void failed(const QString &message); // in an administrator's words
    void cancelled();

private:
    struct Attempt;
    void setUpFlow(Attempt &a, const QUrl &authUrl, const QUrl &tokenUrl);
    void watchRedirect(Attempt &a);
    bool tokenReplyAccepted(QNetworkReply *reply, const QString &file, const QString &tokenHost);
    void watchOutcome(Attempt &a);
    void finish();
    void fail(const QString &message);

    OAuthClient m_client;
    int m_timeoutMs = DefaultTimeoutMs;
    std::unique_ptr<Attempt> m_attempt;
    UserAccessToken m_token;
    int m_ignoredRedirects = 0;
};

} // namespace tt
