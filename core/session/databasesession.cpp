#include "databasesession.h"

#include "database/sandbox.h"
#include "applyrecord.h"
#include "recoverysession.h"
#include "rostersession.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QTimer>

namespace tt {

namespace {
// The connection for libpq: the password kept in memory (if any) over one in the text. Runs on the worker.
ConnectionSpec withPassword(const QString &text, const QString &password)
{
    ConnectionSpec spec = ConnectionSpec::parse(text);
    if (!password.isEmpty())
        spec.set(QStringLiteral("password"), password);
    return spec;
}
} // namespace

DatabaseSession::DatabaseSession(RecoverySession *session, RosterSession *roster, QObject *parent)
    : QObject(parent), m_session(session), m_roster(roster)
{
    connect(session, &RecoverySession::projectOpened, this, [this] {
        m_connection.clear();
        if (const nlohmann::json *db = std::as_const(m_session->project()).section("database"); db && db->is_object())
            m_connection = QString::fromStdString(db->value("connection", std::string()));
        reset();
    });
    connect(roster, &RosterSession::rosterChanged, this, [this] {
        // the plan was made from the roster as it was: make it again (when there was one) once the worker is free
        m_replanPending = m_planned && isConnected();
        m_plan.reset();
        emit changed();
        QTimer::singleShot(0, this, &DatabaseSession::replanIfPending);
    });
    connect(session, &RecoverySession::busyChanged, this, [this](bool busy) {
        if (!busy)
            QTimer::singleShot(0, this, &DatabaseSession::replanIfPending);
    });
}

void DatabaseSession::replanIfPending()
{
    if (!m_replanPending || m_session->isBusy() || !m_session->hasProject())
        return;
    m_replanPending = false;
    if (isConnected() && !m_plan && !makePlan())
        m_replanPending = true; // the roster is being rebuilt meanwhile: when the worker is free again
}

void DatabaseSession::reset()
{
    m_replanPending = false;
    m_planned = false;
    m_identity.reset();
    m_schema.reset();
    m_fingerprint.reset();
    m_privileges.reset();
    m_plan.reset();
    m_applied.reset();
    m_verified.reset();
    emit changed();
}

void DatabaseSession::setConnection(const QString &text)
{
    if (text.trimmed() == m_connection)
        return;
    m_connection = text.trimmed();
    reset();
    if (m_session->hasProject()) {
        // kept without any password: libpq finds it in PGPASSWORD, .pgpass or the service file
        QString safe;
        // (text that cannot be read is not saved at all: it may hold a password libpq could not find)
        try {
            const ConnectionSpec spec = ConnectionSpec::parse(m_connection);
            safe = spec.hasSecrets() ? spec.conninfoWithoutSecrets() : m_connection;
        } catch (const std::exception &) {
        }
        nlohmann::json &db = m_session->editableProject().section("database");
        if (!db.is_object())
            db = nlohmann::json::object();
        db["connection"] = safe.toStdString();
        m_session->markChanged();
    }
}

RecoveryInput DatabaseSession::input() const
{
    RecoveryInput in;
    in.school = m_session->project().school();
    in.records = *m_session->accepted();
    in.roster = m_roster->roster();
    try {
        in.projectSha256 = sha256OfFile(m_session->projectPath());
    } catch (const std::exception &) {
    }
    return in;
}

bool DatabaseSession::connectToDatabase()
{
    const QString text = m_connection;
    const QString password = m_password;
    const QString domain = m_session->project().school().domain;
    reset();
    return m_session->runReadTask(tr("Connecting to the database"), [this, text, password, domain](const Project &, Progress *) {
        Database db(withPassword(text, password));
        auto identity = std::make_shared<ServerIdentity>(db.identify(domain));
        auto schema = std::make_shared<SchemaReport>(db.checkSchema());
        auto privileges = std::make_shared<PrivilegeReport>(db.checkPrivileges());
        auto fingerprint = std::make_shared<DatabaseFingerprint>(db.fingerprint());
        return std::function<void()>([this, identity, schema, privileges, fingerprint] {
            m_identity = *identity;
            m_schema = *schema;
            m_fingerprint = *fingerprint;
            m_privileges = *privileges;
            emit changed();
            emit connected();
        });
    });
}

bool DatabaseSession::startSandbox(const QString &dir)
{
    return m_session->runReadTask(tr("Starting a private practice database (sandbox)"), [this, dir](const Project &, Progress *) {
        QString url;
        try {
            url = Sandbox::open(dir).url();
        } catch (const DatabaseError &) {
            url = Sandbox::start(dir).url();
        }
        return std::function<void()>([this, url] { setConnection(url); });
    });
}

bool DatabaseSession::makePlan()
{
    if (!m_roster->isBuilt())
        return false;
    const QString text = m_connection;
    const QString password = m_password;
    auto in = std::make_shared<RecoveryInput>(input());
    m_plan.reset();
    m_planned = true;
    emit changed();
    return m_session->runReadTask(tr("Making the plan (a dry run: nothing is written)"), [this, text, password, in](const Project &, Progress *progress) {
        Database db(withPassword(text, password));
        RecoveryWriter writer(db, *in);
        auto plan = std::make_shared<RecoveryPlan>(writer.plan(progress));
        return std::function<void()>([this, plan] {
            m_plan = *plan;
            emit changed();
        });
    });
}

bool DatabaseSession::commit(const QString &confirmDatabase, const QString &backupDir, bool skipConflicting,
                             const QJsonObject &auditMeta, const std::vector<ReadinessItem> &readiness)
{
    const QString text = m_connection;
    const QString password = m_password;
    auto in = std::make_shared<RecoveryInput>(input());
    ApplyOptions options;
    options.confirmDatabase = confirmDatabase;
    options.backupDir = backupDir;
    options.skipConflicting = skipConflicting;
    options.auditMeta = auditMeta;
    const ServerIdentity target = m_identity ? *m_identity : ServerIdentity{};
    const RosterDecisions decisions = m_roster->decisions();
    return m_session->runReadTask(tr("Writing the recovered school to the database"),
                                  [this, text, password, in, options, target, decisions, readiness](const Project &project, Progress *progress) {
        Database db(withPassword(text, password));
        RecoveryWriter writer(db, *in);
        auto result = std::make_shared<ApplyResult>(writer.apply(options, progress));
        QJsonObject record; // nothing written: no AuditLog row, no record
        if (!result->nothingToWrite)
            record = ApplyRecord::make(*result, target, options.performedBy, readiness, project, decisions);
        return std::function<void()>([this, result, record] {
            m_applied = *result;
            m_verified.reset();
            if (!record.isEmpty() && m_session->hasProject()) {
                ApplyRecord::add(m_session->editableProject(), record);
                m_session->markChanged();
            }
            emit changed();
        });
    });
}

bool DatabaseSession::verify()
{
    const QString text = m_connection;
    const QString password = m_password;
    auto in = std::make_shared<RecoveryInput>(input());
    return m_session->runReadTask(tr("Checking the database against the project"), [this, text, password, in](const Project &, Progress *progress) {
        Database db(withPassword(text, password));
        RecoveryWriter writer(db, *in);
        auto result = std::make_shared<VerifyResult>(writer.verify(progress));
        return std::function<void()>([this, result] {
            m_verified = *result;
            if (m_identity && m_session->hasProject() && ApplyRecord::setVerified(m_session->editableProject(), *m_identity, *result))
                m_session->markChanged();
            emit changed();
        });
    });
}

} // namespace tt
