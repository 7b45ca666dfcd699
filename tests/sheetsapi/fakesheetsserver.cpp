#include "fakesheetsserver.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QHostAddress>
#include <QTcpServer>
#include <QTcpSocket>
#include <QUrl>
#include <QUrlQuery>
#include <nlohmann/json.hpp>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

namespace tt::test {
namespace {

QByteArray httpAnswer(int status, const QByteArray &json)
{
    QByteArray reason = status == 200   ? "OK"
                        : status == 302 ? "Found"
                        : status == 400 ? "Bad Request"
                        : status == 401 ? "Unauthorized"
                        : status == 403 ? "Forbidden"
                        : status == 404 ? "Not Found"
                        : status == 429 ? "Too Many Requests"
                                        : "Error";
    return "HTTP/1.1 " + QByteArray::number(status) + ' ' + reason +
           "\r\nContent-Type: application/json; charset=UTF-8\r\n" +
           "Content-Length: " + QByteArray::number(json.size()) + "\r\nConnection: close\r\n\r\n" + json;
}

QByteArray redirectTo(const QUrl &location)
{
    const QByteArray html = "<html><body>Redirecting</body></html>";
    return "HTTP/1.1 302 Found\r\nLocation: " + location.toEncoded() +
           "\r\nContent-Type: text/html\r\nContent-Length: " + QByteArray::number(html.size()) +
           "\r\nConnection: close\r\n\r\n" + html;
}

QByteArray oauthError(const char *error, const char *description)
{
    return QByteArray::fromStdString(
        nlohmann::json{{"error", error}, {"error_description", description}}.dump());
}

bool isLoopbackRedirect(const QUrl &u)
{
    return u.isValid() && u.scheme() == u"http" && (u.host() == u"127.0.0.1" || u.host() == u"localhost") &&
           u.port() > 0 && u.query().isEmpty() && u.fragment().isEmpty();
}

QByteArray apiError(int code, const char *message, const char *status)
{
    return QByteArray::fromStdString(
        nlohmann::json{{"error", {{"code", code}, {"message", message}, {"status", status}}}}.dump());
}

QByteArray fromB64Url(const QByteArray &t, bool *ok)
{
    auto r = QByteArray::fromBase64Encoding(t, QByteArray::Base64UrlEncoding |
                                                   QByteArray::AbortOnBase64DecodingErrors);
    *ok = bool(r);
    return r ? *r : QByteArray();
}

// One connection: read one request, answer, close.
class Backend : public QObject
{
public:
    Backend(FakeSheetsServer *owner) : m_owner(owner) {}
    QTcpServer server;

    void onNew()
    {
        while (QTcpSocket *s = server.nextPendingConnection()) {
            s->setParent(this);
            connect(s, &QTcpSocket::readyRead, this, [this, s] { onRead(s); });
            connect(s, &QTcpSocket::disconnected, s, &QObject::deleteLater);
        }
    }

private:
    void onRead(QTcpSocket *s)
    {
        QByteArray &buf = m_buffers[s];
        buf += s->readAll();
        const qsizetype end = buf.indexOf("\r\n\r\n");
        if (end < 0)
            return;
        const QList<QByteArray> lines = buf.left(end).split('\n');
        const QList<QByteArray> first = lines.value(0).trimmed().split(' ');
        QHash<QByteArray, QByteArray> headers;
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const qsizetype c = lines[i].indexOf(':');
            if (c > 0)
                headers.insert(lines[i].left(c).trimmed().toLower(), lines[i].mid(c + 1).trimmed());
        }
        const qint64 len = headers.value("content-length", "0").toLongLong();
        if (buf.size() < end + 4 + len)
            return;
        const QByteArray body = buf.mid(end + 4, len);
        m_buffers.remove(s);
        bool noAnswer = false;
        const QByteArray answer = m_owner->handle(first.value(0), first.value(1), headers, body, &noAnswer);
        if (noAnswer)
            return; // keep the connection open, say nothing
        s->write(answer);
        s->disconnectFromHost();
    }

    FakeSheetsServer *m_owner;
    QHash<QTcpSocket *, QByteArray> m_buffers;
};

} // namespace

QByteArray verifyRs256(const QByteArray &jwt, const QByteArray &publicKeyPem, QString *why)
{
    const QList<QByteArray> parts = jwt.split('.');
    if (parts.size() != 3)
        return *why = QStringLiteral("not three parts"), QByteArray();
    bool ok1 = false, ok2 = false, ok3 = false;
    const QByteArray header = fromB64Url(parts[0], &ok1), claims = fromB64Url(parts[1], &ok2),
                     sig = fromB64Url(parts[2], &ok3);
    if (!ok1 || !ok2 || !ok3)
        return *why = QStringLiteral("bad base64url"), QByteArray();
    const auto h = nlohmann::json::parse(header.toStdString(), nullptr, false);
    if (!h.is_object() || h.value("alg", "") != "RS256" || h.value("typ", "") != "JWT")
        return *why = QStringLiteral("header is not RS256 JWT: ") + QString::fromUtf8(header), QByteArray();
    BIO *bio = BIO_new_mem_buf(publicKeyPem.constData(), int(publicKeyPem.size()));
    EVP_PKEY *key = PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr);
    BIO_free(bio);
    if (!key)
        return *why = QStringLiteral("public key unreadable"), QByteArray();
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    const QByteArray input = parts[0] + '.' + parts[1];
    const int rc =
        EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, key) == 1
            ? EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char *>(sig.constData()),
                               size_t(sig.size()), reinterpret_cast<const unsigned char *>(input.constData()),
                               size_t(input.size()))
            : -1;
    EVP_MD_CTX_free(ctx);
    EVP_PKEY_free(key);
    if (rc != 1)
        return *why = QStringLiteral("signature does not verify"), QByteArray();
    return claims;
}

FakeSheetsServer::FakeSheetsServer()
{
    m_thread.setObjectName(QStringLiteral("FakeSheetsServer"));
}

FakeSheetsServer::~FakeSheetsServer()
{
    if (m_backend)
        QMetaObject::invokeMethod(
            m_backend, [b = m_backend] { delete b; }, Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
}

bool FakeSheetsServer::start()
{
    m_thread.start();
    auto *b = new Backend(this);
    b->moveToThread(&m_thread);
    b->server.moveToThread(&m_thread);
    m_backend = b;
    bool ok = false;
    QMetaObject::invokeMethod(
        b,
        [b, &ok, this] {
            QObject::connect(&b->server, &QTcpServer::newConnection, b, &Backend::onNew);
            ok = b->server.listen(QHostAddress::LocalHost, 0); // loopback only
            m_port = b->server.serverPort();
        },
        Qt::BlockingQueuedConnection);
    return ok;
}

void FakeSheetsServer::setConfig(const Config &c)
{
    QMutexLocker l(&m_mutex);
    m_config = c;
}

FakeSheetsServer::Config FakeSheetsServer::config() const
{
    QMutexLocker l(&m_mutex);
    return m_config;
}

FakeSheetsServer::Stats FakeSheetsServer::stats() const
{
    QMutexLocker l(&m_mutex);
    return m_stats;
}

void FakeSheetsServer::resetStats()
{
    QMutexLocker l(&m_mutex);
    m_stats = {};
}

void FakeSheetsServer::revokeTokens()
{
    QMutexLocker l(&m_mutex);
    m_tokens.clear();
}

QByteArray FakeSheetsServer::reject(const QString &why, int status, const QByteArray &json)
{
    m_stats.rejections << why;
    return httpAnswer(status, json);
}

QByteArray FakeSheetsServer::handle(const QByteArray &method, const QByteArray &target,
                                    const QHash<QByteArray, QByteArray> &headers, const QByteArray &body,
                                    bool *noAnswer)
{
    QMutexLocker l(&m_mutex);
    if (method == "POST" && target == "/token")
        return token(body);
    if (method == "GET" && (target == "/auth" || target.startsWith("/auth?")))
        return authorize(target);
    if (target.startsWith("/v4/spreadsheets/") &&
        (method != "GET" || !target.left(target.indexOf('?')).contains("/values/")))
        return write(method, target, headers, body);
    if (method == "GET" && target.startsWith("/v4/spreadsheets/"))
        return values(target, headers, noAnswer);
    return reject(
        QStringLiteral("unknown request %1 %2").arg(QString::fromLatin1(method), QString::fromLatin1(target)),
        404, apiError(404, "Not found", "NOT_FOUND"));
}

QByteArray FakeSheetsServer::token(const QByteArray &body)
{
    ++m_stats.tokenRequests;
    const QUrlQuery form(QString::fromLatin1(body).replace(u'+', u' '));
    if (form.queryItemValue(QStringLiteral("grant_type")) == u"authorization_code") {
        m_stats.userTokenForms << QString::fromLatin1(body);
        return userToken(form);
    }
    if (form.queryItemValue(QStringLiteral("grant_type"), QUrl::FullyDecoded) !=
        u"urn:ietf:params:oauth:grant-type:jwt-bearer")
        return reject(QStringLiteral("grant_type"), 400,
                      R"({"error":"unsupported_grant_type","error_description":"Invalid grant_type"})");
    QString why;
    const QByteArray claimsJson =
        verifyRs256(form.queryItemValue(QStringLiteral("assertion"), QUrl::FullyDecoded).toLatin1(),
                    m_config.publicKeyPem, &why);
    if (claimsJson.isEmpty())
        return reject(why, 400, R"({"error":"invalid_grant","error_description":"Invalid JWT Signature."})");
    const auto c = nlohmann::json::parse(claimsJson.toStdString(), nullptr, false);
    if (!c.is_object() || !c.contains("iat") || !c.contains("exp") || !c["iat"].is_number_integer() ||
        !c["exp"].is_number_integer())
        return reject(QStringLiteral("claims"), 400,
                      R"({"error":"invalid_grant","error_description":"Invalid JWT: claims"})");
    if (c.value("iss", "") != m_config.clientEmail.toStdString())
        return reject(QStringLiteral("iss"), 400,
                      R"({"error":"invalid_grant","error_description":"Invalid email or User ID"})");
    if (c.value("aud", "") != tokenUrl().toStdString())
        return reject(QStringLiteral("aud"), 400,
                      R"({"error":"invalid_grant","error_description":"Invalid JWT: aud"})");
    const std::string scope = c.value("scope", "");
    if (scope != "https://www.googleapis.com/auth/spreadsheets.readonly" &&
        scope != "https://www.googleapis.com/auth/spreadsheets")
        return reject(QStringLiteral("scope"), 400,
                      R"({"error":"invalid_scope","error_description":"Invalid OAuth scope"})");
    const qint64 now = QDateTime::currentSecsSinceEpoch() + m_config.clockOffsetSecs;
    const qint64 iat = c["iat"].get<qint64>(), exp = c["exp"].get<qint64>();
    if (exp - iat > 3600 || exp <= iat || iat > now + 300 || exp < now)
        return reject(
            QStringLiteral("iat/exp"), 400,
            R"({"error":"invalid_grant","error_description":"Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim."})");
    const QString tok = QStringLiteral("ya29.fake-%1").arg(++m_stats.tokensIssued);
    m_tokens << tok;
    m_stats.scopes << QString::fromStdString(scope);
    m_writeTokens.removeAll(tok); // token names start again after resetStats()
    if (scope == "https://www.googleapis.com/auth/spreadsheets")
        m_writeTokens << tok;
    return httpAnswer(200, QByteArray::fromStdString(nlohmann::json{
                               {"access_token", tok.toStdString()},
                               {"expires_in", 3599},
                               {"token_type", "Bearer"}}.dump()));
}

QByteArray FakeSheetsServer::values(const QByteArray &target, const QHash<QByteArray, QByteArray> &headers,
                                    bool *noAnswer)
{
    ++m_stats.valuesRequests;
    m_stats.valuesPaths << QString::fromLatin1(target);
    const QByteArray auth = headers.value("authorization");
    if (!auth.startsWith("Bearer ") || !m_tokens.contains(QString::fromLatin1(auth.mid(7))))
        return reject(QStringLiteral("no valid token"), 401,
                      apiError(401, "Request had invalid authentication credentials.", "UNAUTHENTICATED"));
    const QUrl url = QUrl::fromEncoded(target);
    const QUrlQuery query(url);
    if (query.queryItemValue(QStringLiteral("valueRenderOption")) != u"UNFORMATTED_VALUE" ||
        query.queryItemValue(QStringLiteral("dateTimeRenderOption")) != u"SERIAL_NUMBER" ||
        query.queryItemValue(QStringLiteral("majorDimension")) != u"ROWS")
        return reject(QStringLiteral("query"), 400, apiError(400, "Invalid query", "INVALID_ARGUMENT"));
    // /v4/spreadsheets/<id>/values/<range>
    const QByteArray path = target.left(target.indexOf('?'));
    const QList<QByteArray> seg = path.split('/');
    if (seg.size() != 6 || seg[4] != "values")
        return reject(QStringLiteral("path"), 404, apiError(404, "Not found", "NOT_FOUND"));
    const QString id = QUrl::fromPercentEncoding(seg[3]);
    const QString range = QUrl::fromPercentEncoding(seg[5]);
    switch (m_config.mode) {
    case Mode::Forbidden:
        return reject(QStringLiteral("403"), 403,
                      apiError(403, "The caller does not have permission", "PERMISSION_DENIED"));
    case Mode::ServiceDisabled:
        return reject(
            QStringLiteral("403 disabled"), 403,
            apiError(403,
                     "Google Sheets API has not been used in project 100000000000 before or it is disabled.",
                     "PERMISSION_DENIED"));
    case Mode::NotFound:
        return reject(QStringLiteral("404"), 404,
                      apiError(404, "Requested entity was not found.", "NOT_FOUND"));
    case Mode::ServerError:
        return reject(QStringLiteral("500"), 500, apiError(500, "Internal error encountered.", "INTERNAL"));
    case Mode::TooManyThenOk:
        if (m_config.failures > 0) {
            --m_config.failures;
            return reject(QStringLiteral("429"), 429, apiError(429, "Quota exceeded", "RESOURCE_EXHAUSTED"));
        }
        break;
    case Mode::Hang:
        *noAnswer = true;
        return {};
    case Mode::Ok:
        break;
    }
    if (id != m_config.spreadsheetId)
        return reject(QStringLiteral("unknown id"), 404,
                      apiError(404, "Requested entity was not found.", "NOT_FOUND"));
    QString tab = range.left(range.lastIndexOf(u'!'));
    if (tab.startsWith(u'\'') && tab.endsWith(u'\''))
        tab = tab.mid(1, tab.size() - 2).replace(QStringLiteral("''"), QStringLiteral("'"));
    if (!range.endsWith(u"!A:ZZ") || !m_config.tabs.contains(tab))
        return reject(QStringLiteral("range"), 400,
                      apiError(400,
                               QStringLiteral("Unable to parse range: %1").arg(range).toUtf8().constData(),
                               "INVALID_ARGUMENT"));
    return httpAnswer(200, m_config.tabs.value(tab));
}

} // namespace tt::test

namespace tt::test {

QByteArray FakeSheetsServer::authorize(const QByteArray &target)
{
    ++m_stats.authorizationRequests;
    const QUrl url = QUrl::fromEncoded(target);
    m_stats.authorizationQueries << url.query(QUrl::FullyEncoded);
    const QUrlQuery query(url);
    auto value = [&](const char *k) { return query.queryItemValue(QLatin1String(k), QUrl::FullyDecoded); };
    const QUrl redirect(value("redirect_uri"));
    if (!isLoopbackRedirect(redirect))
        return reject(QStringLiteral("redirect_uri %1").arg(value("redirect_uri")), 400,
                      oauthError("invalid_request", "redirect_uri must be a loopback address"));
    if (value("response_type") != u"code" || value("client_id") != m_config.oauthClientId)
        return reject(QStringLiteral("response_type/client_id"), 400,
                      oauthError("invalid_client", "The OAuth client was not found."));
    if (value("scope") != u"https://www.googleapis.com/auth/spreadsheets.readonly")
        return reject(QStringLiteral("scope %1").arg(value("scope")), 400,
                      oauthError("invalid_scope", "Invalid scope"));
    const QString challenge = value("code_challenge");
    if (value("code_challenge_method") != u"S256" || challenge.size() < 43)
        return reject(QStringLiteral("pkce challenge"), 400,
                      oauthError("invalid_request", "code_challenge_method must be S256"));
    const QString state = value("state");
    QUrlQuery back;
    switch (m_config.authMode) {
    case AuthMode::Deny:
        back.addQueryItem(QStringLiteral("error"), QStringLiteral("access_denied"));
        back.addQueryItem(QStringLiteral("state"), QString::fromLatin1(QUrl::toPercentEncoding(state)));
        break;
    case AuthMode::Approve:
    case AuthMode::WrongState:
    case AuthMode::TamperChallenge: {
        // Google's codes hold '/': they must survive the round trip encoded.
        const QString code = QStringLiteral("4/0Fake%1-code/x").arg(m_codes.size() + 1);
        Grant g{challenge, redirect.toString(QUrl::FullyEncoded), value("client_id")};
        if (m_config.authMode == AuthMode::TamperChallenge)
            g.challenge = QStringLiteral("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
        m_codes.insert(code, g);
        back.addQueryItem(QStringLiteral("state"),
                          m_config.authMode == AuthMode::WrongState
                              ? QStringLiteral("not-the-state-that-was-sent")
                              : QString::fromLatin1(QUrl::toPercentEncoding(state)));
        back.addQueryItem(QStringLiteral("code"), QString::fromLatin1(QUrl::toPercentEncoding(code)));
        back.addQueryItem(QStringLiteral("scope"),
                          QString::fromLatin1(QUrl::toPercentEncoding(value("scope"))));
        break;
    }
    }
    QUrl location = redirect;
    location.setQuery(back.query(QUrl::FullyEncoded), QUrl::StrictMode);
    return redirectTo(location);
}

QByteArray FakeSheetsServer::userToken(const QUrlQuery &form)
{
    auto value = [&](const char *k) { return form.queryItemValue(QLatin1String(k), QUrl::FullyDecoded); };
    const QString code = value("code");
    if (!m_codes.contains(code))
        return reject(QStringLiteral("unknown code %1").arg(code), 400,
                      oauthError("invalid_grant", "Malformed auth code."));
    const Grant g = m_codes.take(code); // one use
    if (value("client_id") != m_config.oauthClientId || value("client_id") != g.clientId ||
        value("client_secret") != m_config.oauthClientSecret)
        return reject(QStringLiteral("client"), 401, oauthError("invalid_client", "Unauthorized"));
    if (QUrl(value("redirect_uri")).toString(QUrl::FullyEncoded) != g.redirectUri)
        return reject(QStringLiteral("redirect_uri %1 != %2").arg(value("redirect_uri"), g.redirectUri), 400,
                      oauthError("redirect_uri_mismatch", "Bad Request"));
    const QByteArray verifier = value("code_verifier").toLatin1();
    const QByteArray s256 = QCryptographicHash::hash(verifier, QCryptographicHash::Sha256)
                                .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
    if (verifier.size() < 43 || QString::fromLatin1(s256) != g.challenge)
        return reject(QStringLiteral("pkce verifier"), 400, oauthError("invalid_grant", "Invalid code verifier."));
    const QString tok = QStringLiteral("ya29.user-%1").arg(++m_stats.userTokensIssued);
    m_tokens << tok;
    return httpAnswer(200, QByteArray::fromStdString(
                               nlohmann::json{{"access_token", tok.toStdString()},
                                              {"expires_in", 3599},
                                              {"scope", "https://www.googleapis.com/auth/spreadsheets.readonly"},
                                              {"token_type", "Bearer"}}
                                   .dump()));
}

// spreadsheets.get (titles), batchUpdate (addSheet), values.clear, values.update: only with a write-scope token.
QByteArray FakeSheetsServer::write(const QByteArray &method, const QByteArray &target,
                                   const QHash<QByteArray, QByteArray> &headers, const QByteArray &body)
{
    const QByteArray auth = headers.value("authorization");
    const QString tok = QString::fromLatin1(auth.mid(7));
    if (!auth.startsWith("Bearer ") || !m_tokens.contains(tok))
        return reject(QStringLiteral("no valid token"), 401,
                      apiError(401, "Request had invalid authentication credentials.", "UNAUTHENTICATED"));
    const QUrl url = QUrl::fromEncoded(target);
    const QUrlQuery query(url);
    const QByteArray path = target.left(target.indexOf('?') < 0 ? target.size() : target.indexOf('?'));
    const QList<QByteArray> seg = path.split('/'); // "", v4, spreadsheets, <id>[:batchUpdate], [values, <range>[:clear]]
    QString id = QUrl::fromPercentEncoding(seg.value(3));
    const bool batch = id.endsWith(u":batchUpdate");
    if (batch)
        id.chop(int(qstrlen(":batchUpdate")));
    if (id != m_config.spreadsheetId)
        return reject(QStringLiteral("unknown id"), 404, apiError(404, "Requested entity was not found.", "NOT_FOUND"));
    if (method == "GET" && seg.size() == 4) { // spreadsheets.get: readable with either scope
        nlohmann::json sheets = nlohmann::json::array();
        for (auto it = m_config.tabs.cbegin(); it != m_config.tabs.cend(); ++it)
            sheets.push_back({{"properties", {{"title", it.key().toStdString()}}}});
        return httpAnswer(200, QByteArray::fromStdString(nlohmann::json{{"sheets", sheets}}.dump()));
    }
    if (!m_writeTokens.contains(tok))
        return reject(QStringLiteral("read-only token used to write"), 403,
                      apiError(403, "Request had insufficient authentication scopes.", "PERMISSION_DENIED"));
    if (method == "POST" && batch && seg.size() == 4)
        return addSheets(body);
    if (seg.size() == 6 && seg[4] == "values") {
        QString range = QUrl::fromPercentEncoding(seg[5]);
        if (method == "POST" && range.endsWith(u":clear")) {
            range.chop(6);
            m_stats.writes << QStringLiteral("clear ") + range;
            QString tab = range.left(range.lastIndexOf(u'!'));
            if (tab.startsWith(u'\'') && tab.endsWith(u'\''))
                tab = tab.mid(1, tab.size() - 2).replace(QStringLiteral("''"), QStringLiteral("'"));
            if (!m_config.tabs.contains(tab))
                return reject(QStringLiteral("clear of a missing tab"), 400,
                              apiError(400, "Unable to parse range", "INVALID_ARGUMENT"));
            m_config.tabs[tab] = QByteArrayLiteral(R"({"range":"A1:ZZ1","majorDimension":"ROWS"})");
            return httpAnswer(200, "{}");
        }
        if (method == "PUT")
            return updateValues(range, query, body);
    }
    return reject(QStringLiteral("unknown write %1 %2").arg(QString::fromLatin1(method), QString::fromLatin1(target)),
                  404, apiError(404, "Not found", "NOT_FOUND"));
}

QByteArray FakeSheetsServer::addSheets(const QByteArray &body)
{
    const auto j = nlohmann::json::parse(body.toStdString(), nullptr, false);
    if (!j.is_object() || !j.contains("requests") || !j["requests"].is_array())
        return reject(QStringLiteral("batchUpdate body"), 400, apiError(400, "Invalid requests", "INVALID_ARGUMENT"));
    for (const auto &r : j["requests"]) {
        if (!r.is_object() || !r.contains("addSheet") || !r["addSheet"].contains("properties") ||
            !r["addSheet"]["properties"].contains("title") || !r["addSheet"]["properties"]["title"].is_string())
            return reject(QStringLiteral("batchUpdate request"), 400,
                          apiError(400, "Only addSheet is supported", "INVALID_ARGUMENT"));
        const QString title = QString::fromStdString(r["addSheet"]["properties"]["title"].get<std::string>());
        if (m_config.tabs.contains(title))
            return reject(QStringLiteral("addSheet of an existing tab"), 400,
                          apiError(400, "A sheet with this name already exists.", "INVALID_ARGUMENT"));
        m_stats.writes << QStringLiteral("addSheet ") + title;
        m_config.tabs.insert(title, QByteArrayLiteral(R"({"range":"A1:ZZ1","majorDimension":"ROWS"})"));
    }
    return httpAnswer(200, "{}");
}

QByteArray FakeSheetsServer::updateValues(const QString &range, const QUrlQuery &query, const QByteArray &body)
{
    if (query.queryItemValue(QStringLiteral("valueInputOption")) != u"RAW")
        return reject(QStringLiteral("valueInputOption is not RAW"), 400,
                      apiError(400, "valueInputOption must be RAW here", "INVALID_ARGUMENT"));
    QString tab = range.left(range.lastIndexOf(u'!'));
    if (tab.startsWith(u'\'') && tab.endsWith(u'\''))
        tab = tab.mid(1, tab.size() - 2).replace(QStringLiteral("''"), QStringLiteral("'"));
    if (!m_config.tabs.contains(tab))
        return reject(QStringLiteral("update of a missing tab"), 400,
                      apiError(400, "Unable to parse range", "INVALID_ARGUMENT"));
    const auto j = nlohmann::json::parse(body.toStdString(), nullptr, false);
    if (!j.is_object() || !j.contains("values") || !j["values"].is_array() || j.value("range", "") != range.toStdString())
        return reject(QStringLiteral("update body"), 400, apiError(400, "Invalid values", "INVALID_ARGUMENT"));
    QList<QStringList> rows;
    for (const auto &row : j["values"]) {
        QStringList cells;
        for (const auto &cell : row)
            cells << (cell.is_string() ? QString::fromStdString(cell.get<std::string>()) : QStringLiteral("<not text>"));
        rows << cells;
    }
    m_stats.writes << QStringLiteral("update ") + range;
    m_stats.written.insert(tab, rows);
    m_config.tabs[tab] = QByteArray::fromStdString(
        nlohmann::json{{"range", (tab + QStringLiteral("!A1:ZZ%1").arg(rows.size())).toStdString()},
                       {"majorDimension", "ROWS"},
                       {"values", j["values"]}}
            .dump());
    return httpAnswer(200, "{}");
}

} // namespace tt::test
