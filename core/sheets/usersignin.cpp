#include "sheets/usersignin.h"

#include "common/errors.h"
#include "sheets/googleendpoint.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QFile>
#include <QFileInfo>
#include <QHostAddress>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QOAuth2AuthorizationCodeFlow>
#include <QOAuthHttpServerReplyHandler>
#include <QRandomGenerator>
#include <QTimer>
#include <functional>
#include <nlohmann/json.hpp>

namespace tt {
namespace {

QString tr(const char *t)
{
    return QCoreApplication::translate("tt::UserSignIn", t);
}

QString q(const std::string &s)
{
    return QString::fromStdString(s);
}

// Sign-in data only travels encrypted, except to a test server on this computer. Empty when fine.
QString unsafeUrl(const QUrl &url, const QString &what, const QString &file)
{
    return GoogleEndpoint::refusal(url, tr("The %1 in the OAuth client file %2").arg(what, file));
}

QByteArray base64Url(const QByteArray &data)
{
    return data.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

QByteArray randomBytes(int n)
{
    QByteArray b(n, Qt::Uninitialized);
    QRandomGenerator::system()->generate(reinterpret_cast<quint32 *>(b.data()),
                                         reinterpret_cast<quint32 *>(b.data() + n));
    return b;
}

// The loopback listener of Qt, plus a look at the token endpoint's answer first: Qt 6.4 only logs a warning
// when the token request fails, so without this the sign-in would just wait until it times out.
class LoopbackHandler : public QOAuthHttpServerReplyHandler
{
public:
    using QOAuthHttpServerReplyHandler::QOAuthHttpServerReplyHandler;
    std::function<bool(QNetworkReply *)> check; // false: it failed and was reported

    void networkReplyFinished(QNetworkReply *reply) override
    {
        if (check && !check(reply))
            return;
        QOAuthHttpServerReplyHandler::networkReplyFinished(reply);
    }
};

} // namespace

// ---------------------------------------------------------------------------------------------------------
OAuthClient OAuthClient::load(const QString &path)
{
    QFile f(path);
    if (!f.exists())
        throw SourceError(path, tr("The OAuth client file %1 does not exist.").arg(path));
    if (f.size() > 1024 * 1024)
        throw SourceError(path, tr("%1 is too large to be an OAuth client file (those are a few hundred bytes).")
                                    .arg(QFileInfo(path).fileName()));
    if (!f.open(QIODevice::ReadOnly))
        throw SourceError(path,
                          tr("The OAuth client file %1 cannot be read: %2.").arg(path, f.errorString()));
    return fromJson(f.readAll(), path);
}

OAuthClient OAuthClient::fromJson(const QByteArray &json, const QString &path)
{
    const QString name = QFileInfo(path).fileName();
    const auto j = nlohmann::json::parse(json.constBegin(), json.constEnd(), nullptr, false);
    if (j.is_discarded() || !j.is_object())
        throw SourceError(path, tr("%1 is not an OAuth client file: it is not a JSON file. In the Google Cloud "
                                   "console (APIs & Services, Credentials), create an OAuth client ID of type "
                                   "Desktop app and download its JSON.")
                                    .arg(name));
    if (j.contains("private_key") || (j.contains("type") && j["type"] == "service_account"))
        throw SourceError(path, tr("%1 is a service-account key, not an OAuth client file. Use it with "
                                   "\"Service-account key\", or pick the JSON of a Desktop app OAuth client.")
                                    .arg(name));
    if (j.contains("web"))
        throw SourceError(path, tr("%1 is the OAuth client of a web application. Sign-in from this program "
                                   "needs an OAuth client ID of type Desktop app (Google Cloud console, APIs & "
                                   "Services, Credentials).")
                                    .arg(name));
    if (!j.contains("installed") || !j["installed"].is_object())
        throw SourceError(path, tr("The OAuth client file %1 is missing the field 'installed'. Download the JSON "
                                   "of a Desktop app OAuth client from the Google Cloud console.")
                                    .arg(name));
    const auto &c = j["installed"];
    auto field = [&](const char *f) -> QString {
        if (!c.contains(f) || !c[f].is_string() || c[f].get<std::string>().empty())
            throw SourceError(path, tr("The OAuth client file %1 is missing the field '%2'. Download the client's "
                                       "JSON again from the Google Cloud console (APIs & Services, Credentials).")
                                        .arg(name, QLatin1String(f)));
        return q(c[f].get<std::string>());
    };
    OAuthClient client;
    client.path = path;
    client.clientId = field("client_id");
    client.clientSecret = field("client_secret");
    client.authUri = field("auth_uri");
    client.tokenUri = field("token_uri");
    return client;
}

QString OAuthClient::configuredFile(const QString &remembered)
{
    const QString env = qEnvironmentVariable(environmentVariable().toLatin1().constData()).trimmed();
    if (!env.isEmpty())
        return env;
    if (!remembered.isEmpty() && QFileInfo(remembered).isFile())
        return remembered;
    return {};
}

// ---------------------------------------------------------------------------------------------------------
struct UserSignIn::Attempt
{
    QObject *root = nullptr; // owns everything below; deleted later, never from inside its own signals
    QNetworkAccessManager *nam = nullptr;
    LoopbackHandler *handler = nullptr;
    QOAuth2AuthorizationCodeFlow *flow = nullptr;
    QTimer *timer = nullptr;
    QByteArray verifier;
    QString state;
};

UserSignIn::UserSignIn(OAuthClient client, QObject *parent) : QObject(parent), m_client(std::move(client))
{
    useSystemProxy();
}

UserSignIn::~UserSignIn()
{
    if (m_attempt) {
        m_attempt->handler->close();
        delete m_attempt->root;
        m_attempt->verifier.fill('\0');
    }
    m_token.accessToken.fill('\0');
}

QByteArray UserSignIn::makeCodeVerifier()
{
    return base64Url(randomBytes(32)); // 43 characters of [A-Za-z0-9_-]
}

QByteArray UserSignIn::codeChallenge(const QByteArray &verifier)
{
    return base64Url(QCryptographicHash::hash(verifier, QCryptographicHash::Sha256));
}

QUrl UserSignIn::redirectUri() const
{
    return m_attempt ? QUrl(m_attempt->handler->callback()) : QUrl();
}

quint16 UserSignIn::redirectPort() const
{
    return m_attempt ? m_attempt->handler->port() : 0;
}

// The OAuth flow of one attempt: Google's addresses, the client, the read-only scope, and PKCE.
void UserSignIn::setUpFlow(Attempt &a, const QUrl &authUrl, const QUrl &tokenUrl)
{
    a.flow = new QOAuth2AuthorizationCodeFlow(a.nam, a.root);
    a.flow->setAuthorizationUrl(authUrl);
    a.flow->setAccessTokenUrl(tokenUrl);
    a.flow->setClientIdentifier(m_client.clientId);
    a.flow->setClientIdentifierSharedKey(m_client.clientSecret);
    a.flow->setScope(SheetsApiClient::readOnlyScope());
    a.flow->setReplyHandler(a.handler);
    a.flow->setState(a.state);
    // PKCE (Qt 6.4 has none built in): the challenge goes with the browser, the verifier with the code.
    const QByteArray verifier = a.verifier, challenge = codeChallenge(a.verifier);
    a.flow->setModifyParametersFunction(
        [verifier, challenge](QAbstractOAuth::Stage stage, QMultiMap<QString, QVariant> *parameters) {
            if (stage == QAbstractOAuth::Stage::RequestingAuthorization) {
                parameters->insert(QStringLiteral("code_challenge"), QString::fromLatin1(challenge));
                parameters->insert(QStringLiteral("code_challenge_method"), QStringLiteral("S256"));
            } else if (stage == QAbstractOAuth::Stage::RequestingAccessToken) {
                parameters->insert(QStringLiteral("code_verifier"), QString::fromLatin1(verifier));
                // Qt 6.4 percent-encodes the code twice; Google's codes hold '/' ("4/0A..."), which would then
                // arrive as "%2F" and be refused. Undo one encoding (a code never holds a literal '%').
                const QString code = parameters->value(QStringLiteral("code")).toString();
                if (code.contains(u'%')) {
                    parameters->remove(QStringLiteral("code"));
                    parameters->insert(QStringLiteral("code"), QUrl::fromPercentEncoding(code.toLatin1()));
                }
            }
        });

}

// The browser's redirect to 127.0.0.1: only this attempt's state counts; an error in it ends the sign-in.
void UserSignIn::watchRedirect(Attempt &a)
{
    const QString state = a.state;
    connect(a.handler, &QAbstractOAuthReplyHandler::callbackReceived, this, [this, state](const QVariantMap &data) {
        // Qt ignores a redirect whose state does not match (it may come from another page); so do we.
        if (data.value(QStringLiteral("state")).toString() != state) {
            ++m_ignoredRedirects;
            return;
        }
        const QString error = data.value(QStringLiteral("error")).toString();
        if (error == u"access_denied")
            fail(tr("The sign-in was declined in the browser, so nothing was read. To read the sheet, sign in "
                    "again and allow TrackTally Recovery to see your spreadsheets."));
        else if (!error.isEmpty())
            fail(tr("Google refused the sign-in (%1%2). Try again; if it keeps happening, ask whoever set up "
                    "the OAuth client to check it.")
                     .arg(error, data.value(QStringLiteral("error_description")).toString().isEmpty()
                                     ? QString()
                                     : u": "_qs + data.value(QStringLiteral("error_description")).toString()));
    });
}

// Google's answer to the token request: true when it holds a token, otherwise fail() with what went wrong.
bool UserSignIn::tokenReplyAccepted(QNetworkReply *reply, const QString &file, const QString &tokenHost)
{
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (reply->error() == QNetworkReply::NoError && status == 200)
        return true;
    const QByteArray body = reply->readAll();
    if (status == 0) {
        if (reply->error() == QNetworkReply::OperationCanceledError)
            return false; // cancelled or finished already
        if (reply->error() == QNetworkReply::HostNotFoundError)
            fail(tr("Could not find %1 to finish the Google sign-in. Check that this computer is connected "
                    "to the internet.")
                     .arg(tokenHost));
        else
            fail(tr("Could not reach %1 to finish the Google sign-in: %2. Check the internet connection, "
                    "proxy and firewall.")
                     .arg(tokenHost, reply->errorString()));
        return false;
    }
    QString code, description;
    const auto j = nlohmann::json::parse(body.constBegin(), body.constEnd(), nullptr, false);
    if (j.is_object() && j.contains("error") && j["error"].is_string())
        code = q(j["error"].get<std::string>());
    if (j.is_object() && j.contains("error_description") && j["error_description"].is_string())
        description = q(j["error_description"].get<std::string>());
    const QString said = description.isEmpty() ? code : description;
    if (code == u"invalid_grant")
        fail(tr("Google did not accept the sign-in code (%1): it may have expired, been used already, or "
                "not match this sign-in. Sign in with Google again.")
                 .arg(said));
    else if (code == u"invalid_client" || code == u"unauthorized_client")
        fail(tr("Google does not accept the OAuth client in %1 (%2). Check that it is a Desktop app client "
                "of your Google Cloud project and that it was not deleted.")
                 .arg(file, said));
    else
        fail(tr("Google's sign-in server (%1) answered HTTP %2 when finishing the sign-in%3. Try again "
                "later.")
                 .arg(tokenHost)
                 .arg(status)
                 .arg(said.isEmpty() ? QString() : u": "_qs + said));
    return false;
}

// How the attempt ends: a token (granted), the browser to open, or the time limit.
void UserSignIn::watchOutcome(Attempt &a)
{
    connect(a.flow, &QAbstractOAuth::granted, this, [this] {
        QOAuth2AuthorizationCodeFlow *flow = m_attempt->flow;
        UserAccessToken t;
        t.accessToken = flow->token().toUtf8();
        t.expires = flow->expirationAt().toUTC();
        t.clientFile = m_client.path;
        if (t.accessToken.isEmpty()) {
            fail(tr("Google's sign-in answer holds no access token."));
            return;
        }
        m_token = std::move(t);
        finish();
        emit granted();
    });
    connect(a.flow, &QAbstractOAuth::authorizeWithBrowser, this, &UserSignIn::authorizeWithBrowser);
    const int timeoutMs = m_timeoutMs;
    connect(a.timer, &QTimer::timeout, this, [this, timeoutMs] {
        const QString wait =
            timeoutMs >= 60000
                ? QCoreApplication::translate("tt::UserSignIn", "%n minute(s)", nullptr, timeoutMs / 60000)
                : QCoreApplication::translate("tt::UserSignIn", "%n second(s)", nullptr, timeoutMs / 1000);
        fail(tr("The sign-in was not finished within %1, so it was stopped. Click to sign in again, and finish "
                "the sign-in in the web browser that opens.")
                 .arg(wait));
    });
}

bool UserSignIn::start()
{
    if (m_attempt)
        return false;
    m_token.accessToken.fill('\0');
    m_token = {};
    m_ignoredRedirects = 0;
    const QString file = QFileInfo(m_client.path).fileName();
    const QUrl authUrl(m_client.authUri), tokenUrl(m_client.tokenUri);
    for (const QString &problem : {unsafeUrl(authUrl, QStringLiteral("auth_uri"), file),
                                   unsafeUrl(tokenUrl, QStringLiteral("token_uri"), file)}) {
        if (!problem.isEmpty()) {
            emit failed(problem);
            return false;
        }
    }

    auto a = std::make_unique<Attempt>();
    a->root = new QObject(this);
    a->nam = new QNetworkAccessManager(a->root);
    if (GoogleEndpoint::isLoopbackHost(tokenUrl.host()))
        a->nam->setProxy(QNetworkProxy::NoProxy); // a test server on this computer
    // Loopback only (the default address of Qt 6.4 is Any): nobody else on the network can answer in Google's
    // place. Port 0: any free port; Google accepts any port for http://127.0.0.1 redirects of Desktop clients.
    a->handler = new LoopbackHandler(QHostAddress(QHostAddress::LocalHost), 0, a->root);
    if (!a->handler->isListening()) {
        delete a->root;
        emit failed(tr("Could not open a port on this computer (127.0.0.1) to receive the answer of the Google "
                       "sign-in. Check the firewall settings, then try again."));
        return false;
    }
    a->handler->setCallbackText(
        tr("TrackTally Recovery received the answer from Google. You can close this page and go back to "
           "TrackTally Recovery."));
    a->verifier = makeCodeVerifier();
    a->state = QString::fromLatin1(base64Url(randomBytes(24)));
    a->timer = new QTimer(a->root);
    a->timer->setSingleShot(true);

    setUpFlow(*a, authUrl, tokenUrl);
    watchRedirect(*a);
    a->handler->check = [this, file, tokenHost = tokenUrl.host()](QNetworkReply *reply) {
        return tokenReplyAccepted(reply, file, tokenHost);
    };
    watchOutcome(*a);
    m_attempt = std::move(a);
    m_attempt->timer->start(m_timeoutMs);
    m_attempt->flow->grant(); // emits authorizeWithBrowser(url)
    return true;
}

void UserSignIn::cancel()
{
    if (!m_attempt)
        return;
    finish();
    emit cancelled();
}

void UserSignIn::fail(const QString &message)
{
    if (!m_attempt)
        return;
    finish();
    emit failed(message);
}

void UserSignIn::finish()
{
    std::unique_ptr<Attempt> a = std::move(m_attempt);
    if (!a)
        return;
    a->timer->stop();
    a->handler->close();
    for (QObject *o : {static_cast<QObject *>(a->flow), static_cast<QObject *>(a->handler),
                       static_cast<QObject *>(a->timer), static_cast<QObject *>(a->nam)})
        QObject::disconnect(o, nullptr, this, nullptr);
    a->flow->setModifyParametersFunction(nullptr);
    a->flow->setToken(QString()); // the token lives in m_token only
    a->verifier.fill('\0');
    a->root->deleteLater(); // aborts a pending token request
}

} // namespace tt
