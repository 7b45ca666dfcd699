#pragma once
// Where a Google credential may go. Access tokens (Bearer headers), signed service-account assertions,
// authorization codes and client secrets are sent only to Google's API and sign-in hosts, over https:
// sheets.googleapis.com, oauth2.googleapis.com, accounts.google.com and www.googleapis.com.
// A project file, a key file, an OAuth client file or a command-line flag can name another address, but a
// request to it is refused (naming the host) before anything is sent.
//
// The one exception, for tests: a server on this computer named by an environment variable,
// TT_GOOGLE_TEST_SERVER (e.g. http://127.0.0.1:8080; several separated by commas) or TT_GOOGLE_TOKEN_URI (the token endpoint of a .env
// sign-in). Its scheme, host and port are trusted, and only when the host is a loopback address (127.0.0.0/8,
// ::1, localhost); a variable naming any other host is ignored and requests to that host are refused.
#include <QString>
#include <QStringList>
#include <QUrl>

namespace tt {

class GoogleEndpoint
{
public:
    static QString testServerVariable() { return QStringLiteral("TT_GOOGLE_TEST_SERVER"); }
    static QString tokenUriVariable() { return QStringLiteral("TT_GOOGLE_TOKEN_URI"); }
    // The hosts a Google credential may be sent to (over https, port 443).
    static const QStringList &googleHosts();

    static bool isLoopbackHost(const QString &host); // 127.0.0.0/8, ::1, localhost
    static bool isGoogle(const QUrl &url);           // https, port 443, one of googleHosts()
    // The test servers the environment names now (loopback origins only, e.g. "http://127.0.0.1:8080").
    static QStringList testServers();

    // Empty when url may receive a Google credential; else why not, for the user, naming the host.
    // `what` says where the address came from ("The Google Sheets address", "The token_uri in key.json").
    static QString refusal(const QUrl &url, const QString &what);
    // Throws UserError with refusal() when it is not empty.
    static void require(const QUrl &url, const QString &what);
};

} // namespace tt
