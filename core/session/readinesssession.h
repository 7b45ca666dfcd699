#pragma once
// The readiness list of the last steps (see readiness.h), kept up to date as the roster, the records, the
// target database and the plan change. The Plan page shows it; the Commit obeys it: commit() refuses while a
// blocking item remains. acceptEverySuggestion() answers every open question in one (undoable) roster edit and
// records what it accepted in the project; the AuditLog row of the commit lists it.
#include "readiness.h"

#include <QObject>
#include <QStringList>

namespace tt {

class DatabaseSession;
class RecoverySession;
class RosterSession;

class ReadinessSession : public QObject
{
    Q_OBJECT
    Q_PROPERTY(int blocking READ blockingCount NOTIFY changed)
    Q_PROPERTY(bool skipConflicting READ skipConflicting WRITE setSkipConflicting NOTIFY changed)

public:
    ReadinessSession(RecoverySession *session, RosterSession *roster, DatabaseSession *db, QObject *parent = nullptr);

    const std::vector<ReadinessItem> &items() const { return m_items; }
    int blockingCount() const { return Readiness::blockingCount(m_items); }
    int warningCount() const { return int(m_items.size()) - blockingCount(); }
    bool isReady() const { return blockingCount() == 0; }
    // Why the Commit waits ("2 blocking items: …"), empty when ready.
    QString reason() const;
    // Open questions with a suggested answer ("Accept every suggestion" has something to do).
    int acceptableCount() const;

    // Rows that collide with another school's are left out (the Commit step's check box).
    bool skipConflicting() const { return m_skipConflicting; }
    void setSkipConflicting(bool skip);

    // Answers every open question with its suggestion (on the worker, rebuilding the roster as often as the
    // answers raise new questions), then applies them as one roster edit (undoable) and records them in the
    // project; suggestionsAccepted(n) when done. False when there is nothing to accept or the session is busy.
    bool acceptEverySuggestion();

    // The commit, gated: false (nothing done) while a blocking item remains, else DatabaseSession::commit with
    // the accepted suggestions and the warnings in the AuditLog row's meta.
    bool commit(const QString &confirmDatabase, const QString &backupDir);
    QJsonObject auditMeta() const;
    // The plan as JSON with this list (the Plan page's "Save plan as JSON"); empty without a plan.
    QJsonObject planJson() const;

public slots:
    void refresh();

signals:
    void changed();
    void suggestionsAccepted(int count);

private:
    RecoverySession *m_session;
    RosterSession *m_roster;
    DatabaseSession *m_db;
    std::vector<ReadinessItem> m_items;
    bool m_skipConflicting = false;
};

} // namespace tt
