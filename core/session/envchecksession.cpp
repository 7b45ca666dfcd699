#include "envchecksession.h"

#include "common/errors.h"
#include "database/connectionspec.h"
#include "session/databasesession.h"
#include "session/recoverysession.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QTimer>
#include <memory>

namespace tt {

namespace {
QString tr(const char *text)
{
    return QCoreApplication::translate("tt::EnvCheckSession", text);
}

// Reaches one URL of the file and compares it with the connected database.
std::optional<DatabaseFingerprint> checkUrl(const EnvConfig &env, const EnvConfig::Value &value, const QString &fallbackName,
                                            const DatabaseFingerprint *connected, EnvDatabaseCheck &c,
                                            EnvDatabaseCheck::Url &u)
{
    const QString file = env.fileName();
    u.variable = value.isSet() ? value.variable : fallbackName;
    u.where = value.isSet() ? env.dotEnv().where(value.variable) : fallbackName;
    if (!value.isSet() || value.text.trimmed().isEmpty()) {
        c.notes << tr("%1 does not set %2.").arg(file, fallbackName);
        return std::nullopt;
    }
    u.redacted = env.dotEnv().redacted(value.variable);
    std::optional<DatabaseFingerprint> fp;
    try {
        Database db(ConnectionSpec::parse(value.text), 30000);
        fp = db.fingerprint();
        u.database = fp->database;
    } catch (const std::exception &e) {
        u.error = redactSecrets(describeError(e));
        c.notes << tr("%1 could not be reached to compare it: %2").arg(u.where, u.error);
        return std::nullopt;
    }
    if (connected) {
        u.vsConnected = compareDatabases(*fp, *connected);
        if (!u.vsConnected->same)
            c.warnings << tr("%1 in %2 does not reach the database you are connected to (%3). %4")
                              .arg(u.where, file, c.connected, u.vsConnected->explanation);
    }
    return fp;
}
} // namespace

QStringList EnvDatabaseCheck::describe() const
{
    QStringList lines;
    for (const Url *u : {&databaseUrl, &directUrl}) {
        if (!u->isSet()) {
            lines << tr("%1: not set").arg(u->variable);
            continue;
        }
        QString what;
        if (!u->error.isEmpty())
            what = tr("could not be reached");
        else if (u->vsConnected)
            what = u->vsConnected->same ? tr("reaches \"%1\", the database you are connected to").arg(u->database)
                                        : tr("reaches \"%1\", NOT the database you are connected to").arg(u->database);
        else
            what = tr("reaches \"%1\"").arg(u->database);
        lines << tr("%1: %2 (%3)").arg(u->where, u->redacted, what);
    }
    if (urlsMatch && urlsMatch->same)
        lines << tr("DATABASE_URL and DIRECT_DATABASE_URL reach the same database (judged by %1).").arg(urlsMatch->basis);
    return lines;
}

EnvDatabaseCheck checkEnvDatabases(const EnvConfig &env, const DatabaseFingerprint *connected, const QString &connectedLabel)
{
    EnvDatabaseCheck c;
    c.path = env.path();
    c.connected = connected ? connectedLabel : QString();
    const auto first = checkUrl(env, env.databaseUrl(), QStringLiteral("DATABASE_URL"), connected, c, c.databaseUrl);
    const auto second = checkUrl(env, env.directDatabaseUrl(), QStringLiteral("DIRECT_DATABASE_URL"), connected, c, c.directUrl);
    if (first && second) {
        c.urlsMatch = compareDatabases(*first, *second);
        if (!c.urlsMatch->same)
            c.warnings.prepend(tr("DATABASE_URL and DIRECT_DATABASE_URL in %1 point to DIFFERENT databases. %2 This "
                                  "mismatch is what caused TrackTally's data loss: make sure you know which one holds "
                                  "the school's data before writing anything.")
                                   .arg(env.fileName(), c.urlsMatch->explanation));
    } else if (c.databaseUrl.isSet() && c.directUrl.isSet()) {
        try { // only the names can be compared: the offline guess (a pooler host counts as its direct host)
            const EnvFileCheck guess = checkEnvFile(env.path());
            if (guess.differ)
                c.warnings.prepend(guess.warning);
        } catch (const std::exception &) {
        }
    }
    return c;
}

EnvCheckSession::EnvCheckSession(RecoverySession *session, DatabaseSession *database, QObject *parent)
    : QObject(parent), m_session(session), m_database(database)
{
    connect(session, &RecoverySession::projectOpened, this, [this] {
        m_config.reset();
        m_result.reset();
        m_error.clear();
        m_pending = m_running = false;
        m_path = m_session->hasProject() ? EnvConfig::projectEnvPath(m_session->project()) : QString();
        if (!m_path.isEmpty()) {
            try {
                m_config = EnvConfig::load(m_path);
            } catch (const std::exception &e) {
                m_error = describeError(e);
            }
        }
        emit changed();
    });
    // a new connection: compare the file with it
    connect(database, &DatabaseSession::connected, this, [this] {
        if (m_config)
            check();
    });
    connect(database, &DatabaseSession::changed, this, [this] {
        if (m_result && !m_result->connected.isEmpty() && !m_database->fingerprint()) {
            m_result.reset(); // the connection it was compared with is gone
            emit changed();
        }
    });
    connect(session, &RecoverySession::taskFailed, this, [this] {
        if (m_running) { // cancelled: nothing was delivered
            m_running = false;
            emit changed();
        }
    });
    connect(session, &RecoverySession::busyChanged, this, [this](bool busy) {
        if (!busy)
            QTimer::singleShot(0, this, &EnvCheckSession::startIfPending);
    });
}

bool EnvCheckSession::setEnvPath(const QString &path)
{
    const QString p = path.trimmed();
    m_path = p;
    m_config.reset();
    m_result.reset();
    m_error.clear();
    if (p.isEmpty()) {
        emit changed();
        return false;
    }
    try {
        m_config = EnvConfig::load(p);
    } catch (const std::exception &e) {
        m_error = describeError(e);
        emit changed();
        return false;
    }
    if (m_session->hasProject()) {
        m_config->rememberIn(m_session->editableProject()); // the path only, never a value
        m_session->markChanged();
    }
    check();
    return true;
}

void EnvCheckSession::check()
{
    if (!m_config)
        return;
    m_pending = true;
    emit changed();
    QTimer::singleShot(0, this, &EnvCheckSession::startIfPending);
}

void EnvCheckSession::startIfPending()
{
    if (!m_pending || !m_config || m_session->isBusy() || !m_session->hasProject())
        return;
    auto config = std::make_shared<EnvConfig>(*m_config);
    std::shared_ptr<DatabaseFingerprint> connected;
    QString label;
    if (m_database->fingerprint() && m_database->identity()) {
        connected = std::make_shared<DatabaseFingerprint>(*m_database->fingerprint());
        label = tr("\"%1\" on %2").arg(m_database->identity()->database, m_database->identity()->host);
    }
    const bool started = m_session->runReadTask(tr("Checking the databases named in TrackTally's .env"),
                                                [this, config, connected, label](const Project &, Progress *) {
        auto result = std::make_shared<EnvDatabaseCheck>(checkEnvDatabases(*config, connected.get(), label));
        return std::function<void()>([this, result] {
            m_running = false;
            if (result->path == m_path) // not a file replaced meanwhile
                m_result = *result;
            emit changed();
        });
    });
    if (started) {
        m_pending = false;
        m_running = true;
        emit changed();
    }
}

} // namespace tt
