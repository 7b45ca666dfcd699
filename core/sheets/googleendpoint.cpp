#include "sheets/googleendpoint.h"

#include "common/errors.h"

#include <QCoreApplication>
#include <QHostAddress>

namespace tt {
namespace {

QString tr(const char *t)
{
    return QCoreApplication::translate("tt::GoogleEndpoint", t);
}

// "http://127.0.0.1:8080" for a URL (scheme, host and port, the port made explicit).
QString origin(const QUrl &url)
{
    const int port = url.port(url.scheme() == u"https" ? 443 : 80);
    return QStringLiteral("%1://%2:%3").arg(url.scheme().toLower(), url.host().toLower()).arg(port);
}

} // namespace

const QStringList &GoogleEndpoint::googleHosts()
{
    static const QStringList hosts = {QStringLiteral("sheets.googleapis.com"), QStringLiteral("oauth2.googleapis.com"),
                                      QStringLiteral("accounts.google.com"), QStringLiteral("www.googleapis.com")};
    return hosts;
}

bool GoogleEndpoint::isLoopbackHost(const QString &host)
{
    if (host.compare(u"localhost", Qt::CaseInsensitive) == 0)
        return true;
    const QHostAddress a(host);
    return !a.isNull() && a.isLoopback();
}

bool GoogleEndpoint::isGoogle(const QUrl &url)
{
    return url.isValid() && url.scheme() == u"https" && url.port(443) == 443
        && googleHosts().contains(url.host().toLower());
}

QStringList GoogleEndpoint::testServers()
{
    QStringList out;
    for (const QString &variable : {testServerVariable(), tokenUriVariable()}) {
        const QString value = qEnvironmentVariable(variable.toLatin1().constData());
        for (const QString &item : value.split(u',', Qt::SkipEmptyParts)) {
            const QUrl url(item.trimmed());
            if (url.isValid() && (url.scheme() == u"http" || url.scheme() == u"https") && isLoopbackHost(url.host()))
                out << origin(url);
        }
    }
    return out;
}

QString GoogleEndpoint::refusal(const QUrl &url, const QString &what)
{
    if (!url.isValid() || url.host().isEmpty() || (url.scheme() != u"https" && url.scheme() != u"http"))
        return tr("%1 '%2' is not a web address.").arg(what, url.toString(QUrl::RemoveUserInfo));
    if (isGoogle(url))
        return {};
    if (isLoopbackHost(url.host()) && testServers().contains(origin(url)))
        return {};
    const QString host = url.host();
    if (googleHosts().contains(host.toLower()) && url.scheme() == u"http")
        return tr("%1 '%2' is not encrypted (http): Google sign-ins and data only travel over https, so nothing "
                  "was sent to %3.")
            .arg(what, url.toString(QUrl::RemoveUserInfo), host);
    if (isLoopbackHost(host))
        return tr("%1 names %2, a server on this computer. Only Google's own addresses receive your Google "
                  "sign-in; a test server is used only when the environment variable %3 names it. Nothing was "
                  "sent to %2.")
            .arg(what, host, testServerVariable());
    return tr("%1 names %2, which is not Google's. Your Google sign-in is only sent to Google (%3), so nothing "
              "was sent to %2. If this address came from a project or key file you did not make, do not use "
              "that file.")
        .arg(what, host, googleHosts().join(QStringLiteral(", ")));
}

void GoogleEndpoint::require(const QUrl &url, const QString &what)
{
    const QString why = refusal(url, what);
    if (!why.isEmpty())
        throw UserError(why);
}

} // namespace tt
