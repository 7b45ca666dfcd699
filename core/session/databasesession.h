#pragma once
// The database steps: which server and database (identity banner, schema check), an optional private
// sandbox to rehearse on, the dry-run plan, the commit (confirmed by typing the database name, after a
// verified backup) and the verification. Every call runs on the session's worker with its own connection.
#include "database/recoverywriter.h"
#include "database/database.h"
#include "session/readiness.h"

#include <QObject>
#include <optional>

namespace tt {

class RecoverySession;
class RosterSession;

class DatabaseSession : public QObject
{
    Q_OBJECT
public:
    DatabaseSession(RecoverySession *session, RosterSession *roster, QObject *parent = nullptr);

    QString connection() const { return m_connection; }
    void setConnection(const QString &text); // URL, conninfo or service name; a password here is never saved
    // A password kept in memory only (typed, or read from the OS password store by the page) and handed to
    // libpq as the conninfo's password parameter, over one given in the connection text. Never saved, never
    // logged (errors show the connection redacted). Empty = libpq's PGPASSWORD / .pgpass / service file.
    void setPassword(const QString &password) { m_password = password; }
    bool hasPassword() const { return !m_password.isEmpty(); }

    bool connectToDatabase();
    bool startSandbox(const QString &dir);
    bool makePlan();
    // auditMeta: added to the AuditLog row's meta (what readiness accepted, its warnings). What was written is
    // recorded in the project for the report (ApplyRecord: server, run id, backup and its SHA-256, counts, the
    // readiness warnings acknowledged); verify() adds its result to that record.
    bool commit(const QString &confirmDatabase, const QString &backupDir, bool skipConflicting,
                const QJsonObject &auditMeta = {}, const std::vector<ReadinessItem> &readiness = {});
    bool verify();

    const std::optional<ServerIdentity> &identity() const { return m_identity; }
    const std::optional<SchemaReport> &schema() const { return m_schema; }
    // What says which database the connection reaches (system identifier, name): read when connecting.
    const std::optional<DatabaseFingerprint> &fingerprint() const { return m_fingerprint; }
    const std::optional<PrivilegeReport> &privileges() const { return m_privileges; }
    const std::optional<RecoveryPlan> &plan() const { return m_plan; }
    const std::optional<ApplyResult> &applied() const { return m_applied; }
    const std::optional<VerifyResult> &verified() const { return m_verified; }
    bool isConnected() const { return m_identity.has_value() && m_schema && m_schema->ok(); }

signals:
    void changed();
    // connectToDatabase() reached the server (whatever the schema check says): the credentials work.
    void connected();

private:
    RecoveryInput input() const;
    void reset();
    void replanIfPending();

    RecoverySession *m_session;
    RosterSession *m_roster;
    QString m_connection;
    QString m_password;
    std::optional<ServerIdentity> m_identity;
    std::optional<SchemaReport> m_schema;
    std::optional<DatabaseFingerprint> m_fingerprint;
    std::optional<PrivilegeReport> m_privileges;
    std::optional<RecoveryPlan> m_plan;
    std::optional<ApplyResult> m_applied;
    std::optional<VerifyResult> m_verified;
    bool m_planned = false;       // a plan was asked for on this connection: it follows the roster from then on
    bool m_replanPending = false; // the roster changed after a plan: plan again when the worker is free
};

} // namespace tt
