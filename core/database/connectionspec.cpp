#include "connectionspec.h"

#include "common/errors.h"

#include <QCoreApplication>
#include <QFile>
#include <QRegularExpression>
#include <QUrl>

#include <libpq-fe.h>

namespace tt {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("tt::ConnectionSpec", text);
}

bool isUrl(const QString &text)
{
    return text.startsWith(QStringLiteral("postgresql://")) || text.startsWith(QStringLiteral("postgres://"));
}

// Pieces of the input that may be (part of) a secret, for scrubbing libpq's error messages: in a URL the
// user-info part and any password query value; in keyword/value text everything after "password".
QStringList secretCandidates(const QString &text)
{
    QStringList out;
    if (isUrl(text)) {
        const qsizetype start = text.indexOf(QStringLiteral("://")) + 3;
        const qsizetype at = text.lastIndexOf(u'@');
        if (at > start) {
            const QString userinfo = text.mid(start, at - start);
            const qsizetype colon = userinfo.indexOf(u':');
            if (colon >= 0)
                out << userinfo.mid(colon + 1);
        }
        static const QRegularExpression query(QStringLiteral(R"([?&](?:ssl)?password=([^&]*))"));
        for (auto it = query.globalMatch(text); it.hasNext();)
            out << it.next().captured(1);
    } else {
        const qsizetype pw = text.indexOf(QStringLiteral("password"));
        if (pw >= 0)
            out << text.mid(pw + 8);
    }
    out.removeIf([](const QString &c) { return c.trimmed().isEmpty(); });
    return out;
}

// libpq quotes pieces of the input in its messages ("invalid percent-encoded token: \"%zz\""): any quoted
// piece that overlaps a secret becomes ***.
QString scrubLibpqMessage(const QString &message, const QString &input)
{
    QString out = redactSecrets(message.trimmed());
    const QStringList secrets = secretCandidates(input);
    if (secrets.isEmpty())
        return out;
    static const QRegularExpression quoted(QStringLiteral(R"re("([^"]*)")re"));
    QString result;
    qsizetype last = 0;
    for (auto it = quoted.globalMatch(out); it.hasNext();) {
        const QRegularExpressionMatch m = it.next();
        const QString piece = m.captured(1);
        bool secret = false;
        for (const QString &s : secrets)
            secret = secret || (piece.size() > 1 && (s.contains(piece) || piece.contains(s))); // "=": syntax
        result += out.mid(last, m.capturedStart(0) - last);
        result += secret ? QStringLiteral("\"***\"") : m.captured(0);
        last = m.capturedEnd(0);
    }
    result += out.mid(last);
    return result;
}

// libpq reads "user:pass@host" only up to the first '/', so a '/' in a password turns "user:pa" into a
// host and a port. Refused here, without repeating any of it.
void refuseSlashInUserinfo(const QString &text)
{
    const QString rest = text.mid(text.indexOf(QStringLiteral("://")) + 3);
    const qsizetype slash = rest.indexOf(u'/');
    const QString authority = slash >= 0 ? rest.left(slash) : rest;
    if (authority.contains(u'@'))
        return;
    bool suspicious = false;
    if (slash >= 0) {
        const QString path = rest.mid(slash);
        const qsizetype q = path.indexOf(u'?');
        suspicious = (q >= 0 ? path.left(q) : path).contains(u'@');
    }
    static const QRegularExpression port(QStringLiteral(R"(^(?:\[[^\]]*\]|[^:\[]*)(?::(.*))?$)"));
    for (const QString &hostPort : authority.split(u',')) {
        const QString p = port.match(hostPort).captured(1);
        for (const QChar c : p)
            suspicious = suspicious || !c.isDigit();
    }
    if (suspicious)
        throw DatabaseError(tr("The database URL cannot be read: the part before the host (user name or password) "
                               "seems to contain a '/', which ends that part early. Write each '/' in the password "
                               "as %2F (and '@' as %40, ':' as %3A)."));
}

QString searchPathOption(const QString &schema)
{
    static const QRegularExpression plain(QStringLiteral("^[a-z_][a-z0-9_$]*$"));
    QString value = schema;
    if (!plain.match(schema).hasMatch())
        value = u'"' + QString(schema).replace(u'"', QStringLiteral("\"\"")) + u'"';
    value.replace(u'\\', QStringLiteral("\\\\"));
    value.replace(u' ', QStringLiteral("\\ "));
    return QStringLiteral("-csearch_path=") + value;
}

struct PrismaResult
{
    QString url;           // what libpq gets
    QString schema;        // schema=…, when given
    QStringList notes;
    bool pgbouncer = false;
};

// Takes Prisma's own query options out of a URL; everything else is left, byte for byte, to libpq.
PrismaResult stripPrismaOptions(const QString &text)
{
    PrismaResult r;
    r.url = text;
    const qsizetype start = text.indexOf(QStringLiteral("://")) + 3;
    qsizetype hostStart = start;
    for (qsizetype i = start; i < text.size(); ++i) {
        if (text.at(i) == u'/')
            break;
        if (text.at(i) == u'@') {
            hostStart = i + 1;
            break;
        }
    }
    const qsizetype q = text.indexOf(u'?', hostStart);
    if (q < 0)
        return r;
    static const QStringList dropped = {QStringLiteral("pgbouncer"), QStringLiteral("connection_limit"),
                                        QStringLiteral("pool_timeout"), QStringLiteral("socket_timeout"),
                                        QStringLiteral("statement_cache_size")};
    QStringList kept;
    for (const QString &kv : text.mid(q + 1).split(u'&')) {
        const qsizetype eq = kv.indexOf(u'=');
        const QString key = QUrl::fromPercentEncoding(kv.left(eq).toUtf8());
        const QString value = eq >= 0 ? QUrl::fromPercentEncoding(kv.mid(eq + 1).toUtf8()) : QString();
        if (eq >= 0 && key == QLatin1String("schema")) {
            if (value.contains(QChar(0))) // %00: libpq refuses it in its own values
                throw DatabaseError(tr("The database URL cannot be read: its schema= value contains %00 (a zero "
                                       "byte), which a schema name cannot hold."));
            r.schema = value;
            r.notes << tr("schema=%1 (a Prisma option) is used as the search path (options=-csearch_path=%1).")
                           .arg(value);
        } else if (eq >= 0 && dropped.contains(key)) {
            if (key == QLatin1String("pgbouncer"))
                r.pgbouncer = value.compare(QLatin1String("true"), Qt::CaseInsensitive) == 0;
            r.notes << tr("%1=%2 (a Prisma option, not PostgreSQL's) was left out.").arg(key, value);
        } else {
            kept << kv;
        }
    }
    r.url = text.left(q) + (kept.isEmpty() ? QString() : u'?' + kept.join(u'&'));
    return r;
}

void parseWithLibpq(const QString &input, const QString &text, QList<QPair<QString, QString>> *out)
{
    char *error = nullptr;
    PQconninfoOption *options = PQconninfoParse(text.toUtf8().constData(), &error);
    if (!options) {
        const QString message = error ? QString::fromUtf8(error) : tr("out of memory");
        PQfreemem(error);
        throw DatabaseError(tr("The database connection cannot be read: %1").arg(scrubLibpqMessage(message, input)));
    }
    for (const PQconninfoOption *o = options; o->keyword; ++o)
        if (o->val)
            out->append({QString::fromUtf8(o->keyword), QString::fromUtf8(o->val)});
    PQconninfoFree(options);
}

QString quoteValue(const QString &v)
{
    QString q = v;
    q.replace(u'\\', QStringLiteral("\\\\"));
    q.replace(u'\'', QStringLiteral("\\'"));
    return u'\'' + q + u'\'';
}

bool isLocalHost(const QString &host)
{
    const QString h = host.trimmed().toLower();
    return h.isEmpty() || h.startsWith(u'/') || h.startsWith(u'@') || h == QLatin1String("localhost")
        || h.startsWith(QLatin1String("127.")) || h == QLatin1String("::1");
}

// The database a spec names, normalised so that a pooled and a direct address of the same Neon
// database compare equal ("ep-x-pooler.region…" vs "ep-x.region…"). Offline guess only: sameDatabase()
// (database.h) decides by connecting.
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
    // libpq reads a C string: everything after a NUL character would silently be dropped.
    if (text.contains(QChar(0)))
        throw DatabaseError(tr("The database connection cannot be read: it contains a NUL character (a zero "
                               "byte). Copy it again from its source."));
    if (isUrl(text)) {
        refuseSlashInUserinfo(text);
        const PrismaResult prisma = stripPrismaOptions(text);
        parseWithLibpq(text, prisma.url, &spec.m_params);
        spec.m_notes = prisma.notes;
        spec.m_pgbouncerFlag = prisma.pgbouncer;
        if (!prisma.schema.isEmpty()) {
            const QString options = spec.value(QStringLiteral("options"));
            const QString path = searchPathOption(prisma.schema);
            spec.set(QStringLiteral("options"), options.isEmpty() ? path : options + u' ' + path);
        }
    } else if (text.contains(u'=')) {
        parseWithLibpq(text, text, &spec.m_params);
    } else {
        static const QRegularExpression serviceName(QStringLiteral("^[A-Za-z0-9_.-]+$"));
        if (!serviceName.match(text).hasMatch())
            throw DatabaseError(tr("\"%1\" is neither a database URL, a connection string nor a service name.")
                                    .arg(redactSecrets(text)));
        spec.m_params.append({QStringLiteral("service"), text});
    }
    return spec;
}

bool ConnectionSpec::isSecret(const QString &key)
{
    return key == QLatin1String("password") || key == QLatin1String("sslpassword");
}

bool ConnectionSpec::hasSecrets() const
{
    for (const auto &p : m_params)
        if (isSecret(p.first) && !p.second.isEmpty())
            return true;
    return false;
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

QString ConnectionSpec::port() const
{
    return value(QStringLiteral("port"));
}

QString ConnectionSpec::conninfo() const
{
    QStringList parts;
    for (const auto &p : m_params)
        parts << p.first + u'=' + quoteValue(p.second);
    return parts.join(u' ');
}

ConnectionSpec ConnectionSpec::withoutSecrets() const
{
    ConnectionSpec copy = *this;
    copy.m_params.removeIf([](const QPair<QString, QString> &p) { return isSecret(p.first); });
    return copy;
}

QString ConnectionSpec::conninfoWithoutSecrets() const
{
    return withoutSecrets().conninfo();
}

QString ConnectionSpec::redacted() const
{
    QStringList parts;
    for (const auto &p : m_params)
        parts << p.first + u'=' + (isSecret(p.first) ? QStringLiteral("***") : quoteValue(p.second));
    return parts.join(u' ');
}

bool ConnectionSpec::isLocal() const
{
    QString hosts = host();
    if (hosts.isEmpty())
        hosts = qEnvironmentVariable("PGHOST");
    if (hosts.isEmpty())
        return !has(QStringLiteral("service")); // libpq's default: the local socket
    for (const QString &h : hosts.split(u','))
        if (!isLocalHost(h))
            return false;
    return true;
}

QString ConnectionSpec::poolerReason() const
{
    if (m_pgbouncerFlag)
        return tr("the URL says pgbouncer=true");
    for (const QString &h : host().split(u',', Qt::SkipEmptyParts))
        if (h.contains(QLatin1String("-pooler."), Qt::CaseInsensitive))
            return tr("the host %1 is a pooled endpoint (\"-pooler.\")").arg(h);
    for (const QString &p : port().split(u',', Qt::SkipEmptyParts))
        if (p.trimmed() == QLatin1String("6543"))
            return tr("port 6543 is a transaction pooler's port");
    return {};
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
    // A school's data never crosses a network in clear text unless the user chose so. A service keeps its
    // own sslmode (a conninfo value would override it), as does PGSSLMODE.
    if (!s.isLocal() && !s.has(QStringLiteral("service")) && qEnvironmentVariable("PGSSLMODE").isEmpty())
        s.setDefault(QStringLiteral("sslmode"), QStringLiteral("require"));
    return s;
}

QString redactSecrets(const QString &text)
{
    static const QRegularExpression url(QStringLiteral(R"((://[^:/@\s]*:)[^@\s]*@)"));
    static const QRegularExpression kv(QStringLiteral(R"((password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+))"),
                                       QRegularExpression::CaseInsensitiveOption);
    static const QRegularExpression query(QStringLiteral(R"(([?&](?:ssl)?password=)[^&\s]*)"),
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
