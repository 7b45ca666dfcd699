#include "connectionspec.h"

#include "common/errors.h"

#include <QCoreApplication>
#include <QFile>
#include <QRegularExpression>
#include <QUrl>

namespace tt {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("tt::ConnectionSpec", text);
}

QString decode(const QString &s)
{
    return QUrl::fromPercentEncoding(s.toUtf8());
}

void parseUrl(const QString &text, QList<QPair<QString, QString>> *out)
{
    const qsizetype schemeEnd = text.indexOf(QStringLiteral("://"));
    QString rest = text.mid(schemeEnd + 3);
    QString query;
    const qsizetype q = rest.indexOf(u'?');
    if (q >= 0) {
        query = rest.mid(q + 1);
        rest = rest.left(q);
    }
    QString path;
    const qsizetype slash = rest.indexOf(u'/');
    if (slash >= 0) {
        path = rest.mid(slash + 1);
        rest = rest.left(slash);
    }
    const qsizetype at = rest.lastIndexOf(u'@');
    if (at >= 0) {
        const QString userinfo = rest.left(at);
        rest = rest.mid(at + 1);
        const qsizetype colon = userinfo.indexOf(u':');
        if (colon >= 0) {
            out->append({QStringLiteral("user"), decode(userinfo.left(colon))});
            out->append({QStringLiteral("password"), decode(userinfo.mid(colon + 1))});
        } else if (!userinfo.isEmpty()) {
            out->append({QStringLiteral("user"), decode(userinfo)});
        }
    }
    if (!rest.isEmpty()) {
        QStringList hosts, ports;
        bool anyPort = false;
        for (const QString &hp : rest.split(u',')) {
            QString host = hp, port;
            if (hp.startsWith(u'[')) {
                const qsizetype close = hp.indexOf(u']');
                if (close < 0)
                    throw DatabaseError(tr("The database address has an unclosed '[' in its host."));
                host = hp.mid(1, close - 1);
                if (hp.mid(close + 1).startsWith(u':'))
                    port = hp.mid(close + 2);
            } else {
                const qsizetype colon = hp.lastIndexOf(u':');
                if (colon >= 0) {
                    host = hp.left(colon);
                    port = hp.mid(colon + 1);
                }
            }
            hosts << decode(host);
            ports << port;
            anyPort = anyPort || !port.isEmpty();
        }
        out->append({QStringLiteral("host"), hosts.join(u',')});
        if (anyPort)
            out->append({QStringLiteral("port"), ports.join(u',')});
    }
    if (!path.isEmpty())
        out->append({QStringLiteral("dbname"), decode(path)});
    if (!query.isEmpty()) {
        for (const QString &kv : query.split(u'&', Qt::SkipEmptyParts)) {
            const qsizetype eq = kv.indexOf(u'=');
            if (eq <= 0)
                throw DatabaseError(tr("The database address has a parameter without a value: \"%1\".")
                                        .arg(redactSecrets(kv)));
            out->append({decode(kv.left(eq)), decode(kv.mid(eq + 1))});
        }
    }
}

void parseKeywordValue(const QString &text, QList<QPair<QString, QString>> *out)
{
    qsizetype i = 0;
    const qsizetype n = text.size();
    auto skipSpace = [&] {
        while (i < n && text.at(i).isSpace())
            ++i;
    };
    while (true) {
        skipSpace();
        if (i >= n)
            break;
        const qsizetype keyStart = i;
        while (i < n && text.at(i) != u'=' && !text.at(i).isSpace())
            ++i;
        const QString key = text.mid(keyStart, i - keyStart);
        skipSpace();
        if (i >= n || text.at(i) != u'=')
            throw DatabaseError(tr("The connection setting \"%1\" has no value (expected %1=value).").arg(key));
        ++i;
        skipSpace();
        QString value;
        if (i < n && text.at(i) == u'\'') {
            ++i;
            bool closed = false;
            while (i < n) {
                const QChar c = text.at(i++);
                if (c == u'\\' && i < n) {
                    value += text.at(i++);
                } else if (c == u'\'') {
                    closed = true;
                    break;
                } else {
                    value += c;
                }
            }
            if (!closed)
                throw DatabaseError(tr("The connection setting \"%1\" has an unclosed quote.").arg(key));
        } else {
            while (i < n && !text.at(i).isSpace()) {
                const QChar c = text.at(i++);
                if (c == u'\\' && i < n)
                    value += text.at(i++);
                else
                    value += c;
            }
        }
        out->append({key, value});
    }
}

QString quoteValue(const QString &v)
{
    QString q = v;
    q.replace(u'\\', QStringLiteral("\\\\"));
    q.replace(u'\'', QStringLiteral("\\'"));
    return u'\'' + q + u'\'';
}

// The database a spec names, normalised so that a pooled and a direct address of the same Neon
// database compare equal ("ep-x-pooler.region…" vs "ep-x.region…").
QString databaseIdentity(const ConnectionSpec &spec)
{
    QString host = spec.host().toLower();
    host.replace(QStringLiteral("-pooler."), QStringLiteral("."));
    QString port = spec.value(QStringLiteral("port"));
    if (port.isEmpty())
        port = QStringLiteral("5432");
    return host + u':' + port + u'/' + spec.database();
}

} // namespace

ConnectionSpec ConnectionSpec::parse(const QString &input)
{
    const QString text = input.trimmed();
    ConnectionSpec spec;
    if (text.isEmpty())
        throw DatabaseError(tr("No database was given."));
    if (text.startsWith(QStringLiteral("postgresql://")) || text.startsWith(QStringLiteral("postgres://"))) {
        parseUrl(text, &spec.m_params);
    } else if (text.contains(u'=')) {
        parseKeywordValue(text, &spec.m_params);
    } else {
        static const QRegularExpression serviceName(QStringLiteral("^[A-Za-z0-9_.-]+$"));
        if (!serviceName.match(text).hasMatch())
            throw DatabaseError(tr("\"%1\" is neither a database URL, a connection string nor a service name.")
                                    .arg(redactSecrets(text)));
        spec.m_params.append({QStringLiteral("service"), text});
    }
    return spec;
}

QString ConnectionSpec::value(const QString &key) const
{
    for (auto it = m_params.crbegin(); it != m_params.crend(); ++it)
        if (it->first == key)
            return it->second;
    return {};
}

bool ConnectionSpec::has(const QString &key) const
{
    for (const auto &p : m_params)
        if (p.first == key)
            return true;
    return false;
}

void ConnectionSpec::set(const QString &key, const QString &value)
{
    remove(key);
    m_params.append({key, value});
}

void ConnectionSpec::setDefault(const QString &key, const QString &value)
{
    if (!has(key))
        m_params.append({key, value});
}

void ConnectionSpec::remove(const QString &key)
{
    m_params.removeIf([&](const QPair<QString, QString> &p) { return p.first == key; });
}

QString ConnectionSpec::database() const
{
    return value(QStringLiteral("dbname"));
}

QString ConnectionSpec::host() const
{
    const QString h = value(QStringLiteral("host"));
    return h.isEmpty() ? value(QStringLiteral("hostaddr")) : h;
}

QString ConnectionSpec::conninfo() const
{
    QStringList parts;
    for (const auto &p : m_params)
        parts << p.first + u'=' + quoteValue(p.second);
    return parts.join(u' ');
}

QString ConnectionSpec::conninfoWithoutPassword() const
{
    ConnectionSpec copy = *this;
    copy.remove(QStringLiteral("password"));
    return copy.conninfo();
}

QString ConnectionSpec::redacted() const
{
    QStringList parts;
    for (const auto &p : m_params)
        parts << p.first + u'=' + (p.first == QLatin1String("password") ? QStringLiteral("***") : quoteValue(p.second));
    return parts.join(u' ');
}

ConnectionSpec ConnectionSpec::withSafeDefaults() const
{
    ConnectionSpec s = *this;
    s.setDefault(QStringLiteral("connect_timeout"), QStringLiteral("10"));
    s.setDefault(QStringLiteral("application_name"), QStringLiteral("tracktally-recovery"));
    const QString host = s.host();
    const bool unixSocket = host.startsWith(u'/') || host.startsWith(u'@');
    if (!unixSocket) {
        s.setDefault(QStringLiteral("keepalives"), QStringLiteral("1"));
        s.setDefault(QStringLiteral("keepalives_idle"), QStringLiteral("10"));
        s.setDefault(QStringLiteral("keepalives_interval"), QStringLiteral("5"));
        s.setDefault(QStringLiteral("keepalives_count"), QStringLiteral("3"));
        s.setDefault(QStringLiteral("tcp_user_timeout"), QStringLiteral("30000"));
    }
    return s;
}

QString redactSecrets(const QString &text)
{
    static const QRegularExpression url(QStringLiteral(R"((://[^:/@\s]*:)[^@\s]*@)"));
    static const QRegularExpression kv(QStringLiteral(R"((password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+))"),
                                       QRegularExpression::CaseInsensitiveOption);
    static const QRegularExpression query(QStringLiteral(R"(([?&]password=)[^&\s]*)"),
                                          QRegularExpression::CaseInsensitiveOption);
    QString out = text;
    out.replace(url, QStringLiteral("\\1***@"));
    out.replace(query, QStringLiteral("\\1***"));
    out.replace(kv, QStringLiteral("\\1***"));
    return out;
}

EnvFileCheck checkEnvFile(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        throw UserError(tr("Cannot read the environment file %1: %2").arg(path, f.errorString()));
    QString databaseUrl, directUrl;
    const QStringList lines = QString::fromUtf8(f.readAll()).split(u'\n');
    for (QString line : lines) {
        line = line.trimmed();
        if (line.isEmpty() || line.startsWith(u'#'))
            continue;
        if (line.startsWith(QStringLiteral("export ")))
            line = line.mid(7).trimmed();
        const qsizetype eq = line.indexOf(u'=');
        if (eq <= 0)
            continue;
        const QString key = line.left(eq).trimmed();
        QString value = line.mid(eq + 1).trimmed();
        if (value.size() >= 2 && (value.front() == u'"' || value.front() == u'\'') && value.back() == value.front())
            value = value.mid(1, value.size() - 2);
        if (key == QLatin1String("DATABASE_URL"))
            databaseUrl = value;
        else if (key == QLatin1String("DIRECT_DATABASE_URL"))
            directUrl = value;
    }
    EnvFileCheck check;
    check.databaseUrl = redactSecrets(databaseUrl);
    check.directDatabaseUrl = redactSecrets(directUrl);
    check.bothPresent = !databaseUrl.isEmpty() && !directUrl.isEmpty();
    if (check.bothPresent) {
        const QString a = databaseIdentity(ConnectionSpec::parse(databaseUrl));
        const QString b = databaseIdentity(ConnectionSpec::parse(directUrl));
        check.differ = a != b;
        if (check.differ)
            check.warning = tr("WARNING: DATABASE_URL and DIRECT_DATABASE_URL in %1 point to DIFFERENT databases.\n"
                               "  DATABASE_URL        = %2\n  DIRECT_DATABASE_URL = %3\n"
                               "This mismatch is what caused TrackTally's data loss. Make sure you know which one "
                               "holds the school's data before writing anything.")
                                .arg(path, check.databaseUrl, check.directDatabaseUrl);
    }
    return check;
}

} // namespace tt
