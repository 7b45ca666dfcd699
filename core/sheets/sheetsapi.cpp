#include "sheets/sheetsapi.h"

#include "common/errors.h"
#include "sheets/googleendpoint.h"
#include "sheets/jwt.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QHostAddress>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QRegularExpression>
#include <QTimer>
#include <QUrlQuery>
#include <QNetworkProxyFactory>
#include <algorithm>
#include <memory>
#include <mutex>

namespace tt {
namespace {

QString tr(const char *t)
{
    return QCoreApplication::translate("tt::SheetsApi", t);
}
QString q(const std::string &s)
{
    return QString::fromStdString(s);
}


// The message inside a Google error answer: {"error":{"code":403,"message":"...","status":"..."}}
// or, from the token endpoint, {"error":"invalid_grant","error_description":"..."}.
struct GoogleError
{
    QString code; // "invalid_grant", "PERMISSION_DENIED", ...
    QString message;
    QString details; // reasons from error.details / error.errors, for SERVICE_DISABLED and the like
};

GoogleError googleError(const QByteArray &body)
{
    GoogleError g;
    const auto j = nlohmann::json::parse(body.constBegin(), body.constEnd(), nullptr, false);
    if (!j.is_object() || !j.contains("error"))
        return g;
    const auto &e = j["error"];
    if (e.is_string()) {
        g.code = q(e.get<std::string>());
        if (j.contains("error_description") && j["error_description"].is_string())
            g.message = q(j["error_description"].get<std::string>());
    } else if (e.is_object()) {
        if (e.contains("status") && e["status"].is_string())
            g.code = q(e["status"].get<std::string>());
        if (e.contains("message") && e["message"].is_string())
            g.message = q(e["message"].get<std::string>());
        if (e.contains("details"))
            g.details = q(e["details"].dump());
        if (e.contains("errors"))
            g.details += q(e["errors"].dump());
    }
    return g;
}

QString hostOf(const QNetworkRequest &r)
{
    return r.url().host();
}

// SAX handler for values.get: {"range": "...", "majorDimension": "ROWS", "values": [[...], ...]}.
class ValuesSax
{
public:
    using json = nlohmann::json;
    std::vector<SheetRow> rows;
    QString range, majorDimension;
    QString error;

    bool null() { return cell(Cell{}); }
    bool boolean(bool v)
    {
        return cell(
            Cell{Cell::Kind::Boolean, v ? QStringLiteral("TRUE") : QStringLiteral("FALSE"), v ? 1.0 : 0.0});
    }
    bool number_integer(json::number_integer_t v)
    {
        return cell(Cell{Cell::Kind::Number, QString::number(v), double(v)});
    }
    bool number_unsigned(json::number_unsigned_t v)
    {
        return cell(Cell{Cell::Kind::Number, QString::number(v), double(v)});
    }
    bool number_float(json::number_float_t v, const json::string_t &raw)
    {
        return cell(Cell{Cell::Kind::Number, q(raw), double(v)});
    }
    bool string(json::string_t &s)
    {
        if (m_depth == 1) {
            if (m_key == "range")
                range = q(s);
            else if (m_key == "majorDimension")
                majorDimension = q(s);
            return true;
        }
        return cell(Cell::makeText(q(s)));
    }
    bool binary(json::binary_t &) { return fail(); }
    bool start_object(std::size_t)
    {
        if (m_skip > 0 || m_depth == 1)
            return ++m_skip, true; // an object inside another member: not ours
        if (m_depth == 0)
            return m_depth = 1, true;
        return fail();
    }
    bool key(json::string_t &k)
    {
        if (m_skip == 0 && m_depth == 1)
            m_key = k;
        return true;
    }
    bool end_object()
    {
        if (m_skip > 0)
            return --m_skip, true;
        m_depth = 0;
        return true;
    }
    bool start_array(std::size_t)
    {
        if (m_skip > 0)
            return ++m_skip, true;
        if (m_depth == 1 && m_key == "values") {
            m_depth = 2;
            return true;
        }
        if (m_depth == 1)
            return ++m_skip, true;
        if (m_depth == 2) {
            m_depth = 3;
            rows.emplace_back();
            return true;
        }
        return fail();
    }
    bool end_array()
    {
        if (m_skip > 0)
            return --m_skip, true;
        --m_depth;
        return true;
    }
    bool parse_error(std::size_t position, const std::string &, const nlohmann::detail::exception &)
    {
        error = tr("the answer is not valid JSON (at byte %1)").arg(qulonglong(position));
        return false;
    }

private:
    bool cell(Cell c)
    {
        if (m_skip > 0 || m_depth == 1)
            return true; // some other member of the top-level object
        if (m_depth != 3)
            return fail();
        rows.back().cells.push_back(std::move(c));
        return true;
    }
    bool fail()
    {
        if (m_skip > 0)
            return true;
        if (error.isEmpty())
            error = tr("the answer does not hold rows of values");
        return false;
    }
    int m_depth = 0;
    int m_skip = 0;
    std::string m_key;
};

// "Incidents!A1:L812" or "'My tab'!A1:L5" -> 1
qint64 firstRowOf(const QString &range)
{
    const qsizetype bang = range.lastIndexOf(u'!');
    static const QRegularExpression re(QStringLiteral("^\\$?[A-Za-z]+\\$?(\\d+)"));
    const auto m = re.match(range.mid(bang + 1));
    if (!m.hasMatch())
        return 1;
    bool ok = false;
    const qint64 n = m.captured(1).toLongLong(&ok);
    return ok && n > 0 ? n : 1;
}

} // namespace

// ---------------------------------------------------------------------------------------------------------
ServiceAccountKey ServiceAccountKey::load(const QString &path)
{
    QFile f(path);
    if (!f.exists())
        throw SourceError(path, tr("The service-account key file %1 does not exist.").arg(path));
    if (f.size() > 1024 * 1024)
        throw SourceError(path,
                          tr("%1 is too large to be a service-account key file (those are a few kilobytes).")
                              .arg(QFileInfo(path).fileName()));
    if (!f.open(QIODevice::ReadOnly))
        throw SourceError(
            path, tr("The service-account key file %1 cannot be read: %2.").arg(path, f.errorString()));
    return fromJson(f.readAll(), path);
}

ServiceAccountKey ServiceAccountKey::fromJson(const QByteArray &json, const QString &path)
{
    const QString name = QFileInfo(path).fileName();
    const auto j = nlohmann::json::parse(json.constBegin(), json.constEnd(), nullptr, false);
    if (j.is_discarded() || !j.is_object())
        throw SourceError(path,
                          tr("%1 is not a service-account key: it is not a JSON file. In the Google Cloud "
                             "console, create a key of type JSON for the service account and pick that file.")
                              .arg(name));
    if (j.contains("installed") || j.contains("web"))
        throw SourceError(path,
                          tr("%1 is an OAuth client file, not a service-account key. Pick the JSON key "
                             "downloaded for the service account (it holds client_email and private_key).")
                              .arg(name));
    if (j.contains("type") && j["type"].is_string() && j["type"].get<std::string>() != "service_account")
        throw SourceError(path, tr("%1 is a key of type '%2', not a service-account key.")
                                    .arg(name, q(j["type"].get<std::string>())));
    ServiceAccountKey key;
    key.path = path;
    auto field = [&](const char *f) -> QString {
        if (!j.contains(f) || !j[f].is_string() || j[f].get<std::string>().empty())
            throw SourceError(path,
                              tr("The service-account key file %1 is missing the field '%2'. Download a new "
                                 "JSON key for the service account from the Google Cloud console.")
                                  .arg(name, QLatin1String(f)));
        return q(j[f].get<std::string>());
    };
    key.clientEmail = field("client_email");
    key.privateKeyPem = field("private_key").toUtf8();
    key.tokenUri = field("token_uri");
    if (j.contains("private_key_id") && j["private_key_id"].is_string())
        key.privateKeyId = q(j["private_key_id"].get<std::string>());
    if (!key.clientEmail.contains(u'@'))
        throw SourceError(
            path,
            tr("The field 'client_email' of %1 is not an email address: '%2'.").arg(name, key.clientEmail));
    if (!key.privateKeyPem.contains("-----BEGIN") || !key.privateKeyPem.contains("PRIVATE KEY-----"))
        throw SourceError(path,
                          tr("The field 'private_key' of %1 does not hold a private key. Download a new JSON "
                             "key for the service account.")
                              .arg(name));
    const QUrl token(key.tokenUri);
    if (!token.isValid() || token.host().isEmpty())
        throw SourceError(
            path, tr("The field 'token_uri' of %1 is not a web address: '%2'.").arg(name, key.tokenUri));
    return key;
}

// ---------------------------------------------------------------------------------------------------------
QString spreadsheetIdFromText(const QString &idOrUrl)
{
    static const QRegularExpression idRe(QStringLiteral("^[A-Za-z0-9_-]{20,}$"));
    static const QRegularExpression pathRe(QStringLiteral("/d/([A-Za-z0-9_-]+)"));
    const QString t = idOrUrl.trimmed();
    if (idRe.match(t).hasMatch())
        return t;
    const QUrl url = QUrl::fromUserInput(t);
    if (url.isValid() && !url.host().isEmpty()) {
        const auto m = pathRe.match(url.path());
        if (m.hasMatch() && m.captured(1).size() >= 20)
            return m.captured(1);
        const QUrlQuery query(url);
        for (const char *k : {"id", "key"}) {
            const QString v = query.queryItemValue(QLatin1String(k));
            if (idRe.match(v).hasMatch())
                return v;
        }
    }
    if (t.isEmpty())
        throw UserError(tr("Paste the link of the Google Sheet (or its id)."));
    throw UserError(
        tr("'%1' is neither a Google Sheets link nor a spreadsheet id. Open the sheet in a browser and "
           "copy the address: it looks like https://docs.google.com/spreadsheets/d/…/edit.")
            .arg(t));
}

std::vector<SheetRow> rowsFromValuesJson(const QByteArray &json, const QString &sheet, QString *answeredRange)
{
    ValuesSax sax;
    const bool ok = nlohmann::json::sax_parse(json.constBegin(), json.constEnd(), &sax);
    if (!ok || !sax.error.isEmpty())
        throw SourceError(sheet,
                          tr("Google Sheets sent an answer for the %1 tab that cannot be read: %2.")
                              .arg(sheet, sax.error.isEmpty() ? tr("not a values answer") : sax.error));
    if (!sax.majorDimension.isEmpty() && sax.majorDimension != u"ROWS")
        throw SourceError(
            sheet, tr("Google Sheets sent the %1 tab by %2, not by rows.").arg(sheet, sax.majorDimension));
    if (answeredRange)
        *answeredRange = sax.range;
    const qint64 first = firstRowOf(sax.range);
    size_t width = 0;
    for (const SheetRow &r : sax.rows)
        width = std::max(width, r.cells.size());
    qint64 n = first;
    for (SheetRow &r : sax.rows) {
        r.number = n++;
        r.cells.resize(width); // short rows and trailing empty cells: Empty
    }
    return std::move(sax.rows);
}

// ---------------------------------------------------------------------------------------------------------
void useSystemProxy()
{
    // Qt ignores the system proxy unless told; schools behind a proxy set http_proxy/https_proxy.
    static std::once_flag once;
    std::call_once(once, [] { QNetworkProxyFactory::setUseSystemConfiguration(true); });
}

SheetsApiClient::SheetsApiClient(ServiceAccountKey key, SheetsApiOptions options)
    : m_key(std::move(key)), m_options(std::move(options))
{
    useSystemProxy();
    while (m_options.apiBase.endsWith(u'/'))
        m_options.apiBase.chop(1);
    m_options.attempts = std::max(1, m_options.attempts);
}

SheetsApiClient::SheetsApiClient(UserAccessToken token, SheetsApiOptions options)
    : m_user(true), m_clientFile(token.clientFile), m_options(std::move(options)),
      m_accessToken(std::move(token.accessToken)), m_tokenExpires(token.expires)
{
    useSystemProxy();
    token.accessToken.fill('\0');
    while (m_options.apiBase.endsWith(u'/'))
        m_options.apiBase.chop(1);
    m_options.attempts = std::max(1, m_options.attempts);
}

SheetsApiClient::~SheetsApiClient()
{
    // The token is a credential: do not leave it in freed memory.
    m_accessToken.fill('\0');
    m_key.privateKeyPem.fill('\0');
}

bool SheetsApiClient::signedIn() const
{
    if (m_user && !m_tokenExpires.isValid())
        return !m_accessToken.isEmpty();
    return !m_accessToken.isEmpty() && QDateTime::currentDateTimeUtc() < m_tokenExpires;
}

QByteArray SheetsApiClient::assertion(qint64 iat) const
{
    const nlohmann::json claims = {{"iss", m_key.clientEmail.toStdString()},
                                   {"scope", scope().toStdString()},
                                   {"aud", m_key.tokenUri.toStdString()},
                                   {"iat", iat},
                                   {"exp", iat + 3600}};
    return jwt::makeRs256(claims, m_key.privateKeyPem, m_key.privateKeyId);
}

QUrl SheetsApiClient::valuesUrl(const QString &apiBase, const QString &spreadsheetId, const QString &range)
{
    QString base = apiBase;
    while (base.endsWith(u'/'))
        base.chop(1);
    const QByteArray encoded = QUrl(base).toEncoded() + "/v4/spreadsheets/" +
                               QUrl::toPercentEncoding(spreadsheetId) + "/values/" +
                               QUrl::toPercentEncoding(range) +
                               "?valueRenderOption=UNFORMATTED_VALUE&dateTimeRenderOption=SERIAL_NUMBER"
                               "&majorDimension=ROWS";
    return QUrl::fromEncoded(encoded, QUrl::StrictMode);
}

SheetsApiClient::Answer SheetsApiClient::send(const QString &what, const QNetworkRequest &request,
                                              const QByteArray *postBody, Progress *progress,
                                              const QByteArray &verb)
{
    const QString host = hostOf(request);
    // Every request carries a credential (a signed assertion or an access token): Google's hosts only.
    GoogleEndpoint::require(request.url(), tr("The address for %1").arg(what));
    QNetworkRequest req = request;
    req.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::SameOriginRedirectPolicy);
    for (int attempt = 1;; ++attempt) {
        checkCancel(progress);
        QNetworkAccessManager nam; // lives in the calling thread, for this request only
        if (GoogleEndpoint::isLoopbackHost(request.url().host()))
            nam.setProxy(QNetworkProxy::NoProxy);
        std::unique_ptr<QNetworkReply> reply(!postBody       ? nam.get(req)
                                             : verb == "POST" ? nam.post(req, *postBody)
                                                              : nam.sendCustomRequest(req, verb, *postBody));
        QEventLoop loop;
        QTimer timeout, poll;
        timeout.setSingleShot(true);
        bool timedOut = false, cancelled = false;
        QObject::connect(reply.get(), &QNetworkReply::finished, &loop, &QEventLoop::quit);
        QObject::connect(&timeout, &QTimer::timeout, &loop, [&] {
            timedOut = true;
            loop.quit();
        });
        QObject::connect(&poll, &QTimer::timeout, &loop, [&] {
            if (progress && progress->cancelRequested()) {
                cancelled = true;
                loop.quit();
            }
        });
        timeout.start(m_options.timeoutMs);
        poll.start(100);
        if (!reply->isFinished())
            loop.exec(QEventLoop::ExcludeUserInputEvents);
        if (!reply->isFinished()) {
            QObject::disconnect(reply.get(), nullptr, &loop, nullptr);
            reply->abort();
        }
        if (cancelled)
            throw Cancelled();
        if (timedOut)
            throw UserError(
                tr("%1 did not answer within %2 seconds (%3). Check the internet connection and try "
                   "again.")
                    .arg(host)
                    .arg(m_options.timeoutMs / 1000.0)
                    .arg(what));
        const QVariant statusVar = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
        Answer a;
        a.status = statusVar.isValid() ? statusVar.toInt() : 0;
        a.body = reply->readAll();
        a.retryAfter = reply->rawHeader("Retry-After");
        if (a.status == 0) {
            const QString detail = reply->errorString();
            switch (reply->error()) {
            case QNetworkReply::ConnectionRefusedError:
                throw UserError(
                    tr("Could not connect to %1 (%2): the connection was refused. Check the internet "
                       "connection, proxy and firewall.")
                        .arg(host, what));
            case QNetworkReply::HostNotFoundError:
                throw UserError(
                    tr("Could not find %1 (%2). Check that this computer is connected to the internet.")
                        .arg(host, what));
            case QNetworkReply::SslHandshakeFailedError:
                throw UserError(tr("The secure connection to %1 failed (%2): %3.").arg(host, what, detail));
            default:
                throw UserError(tr("Could not reach %1 (%2): %3. Check the internet connection.")
                                    .arg(host, what, detail));
            }
        }
        const bool retryable = a.status == 429 || a.status >= 500;
        if (!retryable)
            return a;
        if (attempt >= m_options.attempts) {
            const GoogleError g = googleError(a.body);
            const QString said = g.message.isEmpty() ? QString() : tr(" Google said: %1").arg(g.message);
            if (a.status == 429)
                throw UserError(
                    tr("Google Sheets asked to slow down (too many requests) and still refused after %1 "
                       "tries (%2). Wait a minute and try again.%3")
                        .arg(attempt)
                        .arg(what, said));
            throw UserError(
                tr("Google answered with a server error (HTTP %1) %2 times (%3). This is on Google's side; "
                   "try again later.%4")
                    .arg(a.status)
                    .arg(attempt)
                    .arg(what, said));
        }
        // Exponential backoff, honouring Retry-After (seconds) up to 30 s.
        qint64 waitMs = qint64(m_options.backoffMs) << (attempt - 1);
        bool ok = false;
        const qint64 retryAfter = a.retryAfter.trimmed().toLongLong(&ok);
        if (ok && retryAfter > 0)
            waitMs = std::max(waitMs, std::min<qint64>(retryAfter * 1000, 30000));
        if (progress)
            progress->begin(
                tr("Google is busy; trying again in %1 s").arg(double(waitMs) / 1000.0, 0, 'f', 1), 0);
        QEventLoop wait;
        QTimer done, waitPoll;
        done.setSingleShot(true);
        QObject::connect(&done, &QTimer::timeout, &wait, &QEventLoop::quit);
        QObject::connect(&waitPoll, &QTimer::timeout, &wait, [&] {
            if (progress && progress->cancelRequested())
                wait.quit();
        });
        done.start(int(waitMs));
        waitPoll.start(100);
        wait.exec(QEventLoop::ExcludeUserInputEvents);
    }
}

void SheetsApiClient::signIn(Progress *progress)
{
    if (m_user)
        throw UserError(tr("Your Google sign-in has expired or was withdrawn. Sign in with Google again, then "
                           "read the sheet."));
    const QUrl tokenUrl(m_key.tokenUri);
    GoogleEndpoint::require(tokenUrl, tr("The token_uri of the key %1").arg(QFileInfo(m_key.path).fileName()));
    if (progress)
        progress->begin(tr("Signing in to Google as %1").arg(m_key.clientEmail), 0);
    const qint64 iat = QDateTime::currentSecsSinceEpoch();
    const QByteArray body =
        "grant_type=" +
        QUrl::toPercentEncoding(QStringLiteral("urn:ietf:params:oauth:grant-type:jwt-bearer")) +
        "&assertion=" + QUrl::toPercentEncoding(QString::fromLatin1(assertion(iat)));
    QNetworkRequest req(tokenUrl);
    req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/x-www-form-urlencoded"));
    req.setRawHeader("Accept", "application/json");
    const Answer a = send(tr("signing in"), req, &body, progress);
    const GoogleError g = googleError(a.body);
    if (a.status != 200) {
        const QString desc = g.message;
        if (g.code == u"invalid_grant" && (desc.contains(u"iat") || desc.contains(u"exp") ||
                                           desc.contains(u"timeframe", Qt::CaseInsensitive)))
            throw UserError(
                tr("Google refused the sign-in because the time on this computer looks wrong (now: %1 "
                   "UTC). Check the computer's clock, date and time zone, then try again.")
                    .arg(QDateTime::currentDateTimeUtc().toString(Qt::ISODate)));
        if (g.code == u"invalid_grant" && desc.contains(u"signature", Qt::CaseInsensitive))
            throw UserError(
                tr("Google did not accept the key in %1 for %2: it may have been deleted or replaced in "
                   "the Google Cloud console. Download a new JSON key for the service account.")
                    .arg(QFileInfo(m_key.path).fileName(), m_key.clientEmail));
        if (g.code == u"invalid_grant" || g.code == u"invalid_client" || g.code == u"unauthorized_client")
            throw UserError(
                tr("Google refused the sign-in of the service account %1 (%2). Check that the service "
                   "account still exists and that %3 is its current key.")
                    .arg(m_key.clientEmail, desc.isEmpty() ? g.code : desc,
                         QFileInfo(m_key.path).fileName()));
        throw UserError(tr("Google refused the sign-in of %1 (HTTP %2)%3.")
                            .arg(m_key.clientEmail)
                            .arg(a.status)
                            .arg(desc.isEmpty() ? QString() : u": "_qs + desc));
    }
    const auto j = nlohmann::json::parse(a.body.constBegin(), a.body.constEnd(), nullptr, false);
    if (!j.is_object() || !j.contains("access_token") || !j["access_token"].is_string())
        throw UserError(tr("Google's sign-in answer holds no access token (from %1).").arg(tokenUrl.host()));
    m_accessToken.fill('\0');
    m_accessToken = QByteArray::fromStdString(j["access_token"].get<std::string>());
    qint64 expiresIn = 3600;
    if (j.contains("expires_in") && j["expires_in"].is_number_integer())
        expiresIn = j["expires_in"].get<qint64>();
    m_tokenExpires = QDateTime::currentDateTimeUtc().addSecs(std::max<qint64>(0, expiresIn - 60));
}

std::optional<SheetValues> SheetsApiClient::fetchValues(const QString &spreadsheetId, const QString &sheet,
                                                        Progress *progress)
{
    const QUrl base(m_options.apiBase);
    GoogleEndpoint::require(base, tr("The Google Sheets address"));
    // A tab name with spaces or quotes is quoted in A1 notation: 'My tab'!A:ZZ
    const QString range = quotedTab(sheet) + u"!A:ZZ"_qs;
    const QUrl url = valuesUrl(m_options.apiBase, spreadsheetId, range);
    const QString what = tr("reading the %1 tab").arg(sheet);
    for (int authTry = 0;; ++authTry) {
        if (!signedIn())
            signIn(progress);
        if (progress)
            progress->begin(tr("Downloading the %1 tab from Google Sheets").arg(sheet), 0);
        QNetworkRequest req(url);
        req.setRawHeader("Authorization", "Bearer " + m_accessToken);
        req.setRawHeader("Accept", "application/json");
        const Answer a = send(what, req, nullptr, progress);
        checkCancel(progress);
        if (a.status == 401 && authTry == 0 && !m_user) {
            m_accessToken.fill('\0');
            m_accessToken.clear(); // expired or revoked: sign in once more
            continue;
        }
        const GoogleError g = googleError(a.body);
        switch (a.status) {
        case 200: {
            SheetValues v;
            v.spreadsheetId = spreadsheetId;
            v.sheet = sheet;
            v.json = a.body;
            v.sha256 =
                QString::fromLatin1(QCryptographicHash::hash(a.body, QCryptographicHash::Sha256).toHex());
            v.rows = rowsFromValuesJson(a.body, sheet, &v.range);
            v.fetchedAt = QDateTime::currentDateTimeUtc();
            return v;
        }
        case 400:
            if (g.message.contains(u"Unable to parse range", Qt::CaseInsensitive))
                return std::nullopt; // no tab of that name
            throw UserError(tr("Google Sheets refused the request for the %1 tab: %2").arg(sheet, g.message));
        case 401:
            if (m_user)
                throw UserError(tr("Google Sheets did not accept your sign-in (HTTP 401): it may have expired or "
                                   "been withdrawn. Sign in with Google again."));
            throw UserError(
                tr("Google Sheets did not accept the sign-in of %1 (HTTP 401). Try again; if it keeps "
                   "happening, download a new key for the service account.")
                    .arg(m_key.clientEmail));
        case 403:
            if (m_user && (g.code == u"SERVICE_DISABLED" || g.details.contains(u"SERVICE_DISABLED") ||
                           g.message.contains(u"has not been used", Qt::CaseInsensitive) ||
                           g.message.contains(u"is disabled", Qt::CaseInsensitive)))
                throw UserError(
                    tr("The Google Sheets API is not enabled for the Google Cloud project of the sign-in client "
                       "%1. Enable \"Google Sheets API\" for that project in the Google Cloud console, wait a "
                       "few minutes and try again. Google said: %2")
                        .arg(QFileInfo(m_clientFile).fileName(), g.message));
            if (m_user)
                throw UserError(
                    tr("Your Google account has no access to this spreadsheet (%1). Ask its owner to share it "
                       "with you (Viewer is enough), or sign in with the Google account that can open it, then "
                       "try again.")
                        .arg(spreadsheetId));
            if (g.code == u"SERVICE_DISABLED" || g.details.contains(u"SERVICE_DISABLED") ||
                g.message.contains(u"has not been used", Qt::CaseInsensitive) ||
                g.message.contains(u"is disabled", Qt::CaseInsensitive))
                throw UserError(
                    tr("The Google Sheets API is not enabled for the Google Cloud project of %1. Enable "
                       "\"Google Sheets API\" for that project in the Google Cloud console, wait a few "
                       "minutes and try again. Google said: %2")
                        .arg(m_key.clientEmail, g.message));
            throw UserError(
                tr("The spreadsheet %1 is not shared with the service account. In Google Sheets, click "
                   "Share and add %2 (Viewer is enough), then try again.")
                    .arg(spreadsheetId, m_key.clientEmail));
        case 404:
            throw UserError(
                tr("Google Sheets found no spreadsheet with the id %1 (or no tab named %2 in it). Check "
                   "the link you pasted, and that the tabs are named Incidents and Commendations.")
                    .arg(spreadsheetId, sheet));
        default:
            throw UserError(tr("Google Sheets answered HTTP %1 while %2%3.")
                                .arg(a.status)
                                .arg(what, g.message.isEmpty() ? QString() : u": "_qs + g.message));
        }
    }
}

QString SheetsApiClient::quotedTab(const QString &tab)
{
    static const QRegularExpression plain(QStringLiteral("^[A-Za-z0-9_]+$"));
    if (plain.match(tab).hasMatch())
        return tab;
    return u"'"_qs + QString(tab).replace(u"'"_qs, u"''"_qs) + u"'"_qs;
}

QByteArray SheetsApiClient::writeCall(const QString &what, const QByteArray &verb, const QUrl &url,
                                      const QByteArray &body, Progress *progress)
{
    GoogleEndpoint::require(QUrl(m_options.apiBase), tr("The Google Sheets address"));
    for (int authTry = 0;; ++authTry) {
        if (!signedIn())
            signIn(progress);
        QNetworkRequest req(url);
        req.setRawHeader("Authorization", "Bearer " + m_accessToken);
        req.setRawHeader("Accept", "application/json");
        req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        const Answer a = verb == "GET" ? send(what, req, nullptr, progress) : send(what, req, &body, progress, verb);
        checkCancel(progress);
        if (a.status == 401 && authTry == 0 && !m_user) {
            m_accessToken.fill('\0');
            m_accessToken.clear();
            continue;
        }
        if (a.status == 200)
            return a.body;
        const GoogleError g = googleError(a.body);
        const QString said = g.message.isEmpty() ? QString() : tr(" Google said: %1").arg(g.message);
        const QString who = m_user ? tr("your Google account") : m_key.clientEmail;
        switch (a.status) {
        case 401:
            throw UserError(tr("Google Sheets did not accept the sign-in of %1 (HTTP 401) while %2. Try again.%3")
                                .arg(who, what, said));
        case 403:
            throw UserError(tr("Google Sheets refused to let %1 change the spreadsheet while %2. In Google Sheets, "
                               "click Share and give %1 Editor access (writing the roster needs more than Viewer), "
                               "then try again.%3")
                                .arg(who, what, said));
        case 404:
            throw UserError(tr("Google Sheets found no spreadsheet at this id while %1. Check the link or id you gave.%2")
                                .arg(what, said));
        default:
            throw UserError(tr("Google Sheets answered HTTP %1 while %2.%3").arg(a.status).arg(what, said));
        }
    }
}

QStringList SheetsApiClient::sheetTitles(const QString &spreadsheetId, Progress *progress)
{
    const QUrl url = QUrl::fromEncoded(QUrl(m_options.apiBase).toEncoded() + "/v4/spreadsheets/" +
                                           QUrl::toPercentEncoding(spreadsheetId) + "?fields=sheets.properties.title",
                                       QUrl::StrictMode);
    const QByteArray body = writeCall(tr("reading the spreadsheet's tabs"), "GET", url, {}, progress);
    const auto j = nlohmann::json::parse(body.constBegin(), body.constEnd(), nullptr, false);
    QStringList titles;
    if (j.is_object() && j.contains("sheets") && j["sheets"].is_array())
        for (const auto &sheet : j["sheets"])
            if (sheet.is_object() && sheet.contains("properties") && sheet["properties"].is_object() &&
                sheet["properties"].contains("title") && sheet["properties"]["title"].is_string())
                titles << QString::fromStdString(sheet["properties"]["title"].get<std::string>());
    return titles;
}

void SheetsApiClient::addSheet(const QString &spreadsheetId, const QString &title, Progress *progress)
{
    const QUrl url = QUrl::fromEncoded(QUrl(m_options.apiBase).toEncoded() + "/v4/spreadsheets/" +
                                           QUrl::toPercentEncoding(spreadsheetId) + ":batchUpdate",
                                       QUrl::StrictMode);
    const nlohmann::json request = {
        {"requests", nlohmann::json::array({{{"addSheet", {{"properties", {{"title", title.toStdString()}}}}}}})}};
    if (progress)
        progress->begin(tr("Adding the tab %1 to the spreadsheet").arg(title), 0);
    writeCall(tr("adding the tab %1").arg(title), "POST", url, QByteArray::fromStdString(request.dump()), progress);
}

void SheetsApiClient::clearValues(const QString &spreadsheetId, const QString &range, Progress *progress)
{
    const QUrl url = QUrl::fromEncoded(QUrl(m_options.apiBase).toEncoded() + "/v4/spreadsheets/" +
                                           QUrl::toPercentEncoding(spreadsheetId) + "/values/" +
                                           QUrl::toPercentEncoding(range) + ":clear",
                                       QUrl::StrictMode);
    writeCall(tr("emptying %1").arg(range), "POST", url, QByteArrayLiteral("{}"), progress);
}

void SheetsApiClient::updateValues(const QString &spreadsheetId, const QString &range,
                                   const std::vector<QStringList> &rows, Progress *progress)
{
    const QUrl url = QUrl::fromEncoded(QUrl(m_options.apiBase).toEncoded() + "/v4/spreadsheets/" +
                                           QUrl::toPercentEncoding(spreadsheetId) + "/values/" +
                                           QUrl::toPercentEncoding(range) + "?valueInputOption=RAW",
                                       QUrl::StrictMode);
    nlohmann::json values = nlohmann::json::array();
    for (const QStringList &row : rows) {
        nlohmann::json cells = nlohmann::json::array();
        for (const QString &cell : row)
            cells.push_back(cell.toStdString());
        values.push_back(std::move(cells));
    }
    const nlohmann::json body = {{"range", range.toStdString()}, {"majorDimension", "ROWS"}, {"values", values}};
    if (progress)
        progress->begin(tr("Writing %1 (%2 rows)").arg(range).arg(rows.size()), 0);
    writeCall(tr("writing %1").arg(range), "PUT", url, QByteArray::fromStdString(body.dump()), progress);
}

} // namespace tt
