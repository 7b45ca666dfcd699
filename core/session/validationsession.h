#pragma once
// The Validate step: the accounting (read = accepted + duplicates + quarantined), quarantined rows fixed in
// place and validated again, the version kept of each conflicting duplicate, and the quarantine exported
// through core's CSV writer. The only way the Validate page changes the project.
#include "records/deduplicator.h"
#include "records/importtypes.h"

#include <QObject>
#include <QString>
#include <QStringList>

namespace tt {

class RecoverySession;

class ValidationSession : public QObject
{
    Q_OBJECT
    Q_PROPERTY(qint64 quarantined READ quarantined NOTIFY countsChanged)
    Q_PROPERTY(int conflictingGroups READ conflictingGroups NOTIFY countsChanged)

public:
    explicit ValidationSession(RecoverySession *session, QObject *parent = nullptr);

    RowCounts counts() const;       // zeros without a project
    qint64 quarantined() const { return counts().quarantined; }
    int conflictingGroups() const;  // uuids saved twice with different content
    // What still wants the administrator's eye on this step ("3 rows quarantined"), empty when nothing.
    QString attention() const;

    struct FixResult
    {
        bool changed = false;  // false: the value was the same, the index wrong, or the session busy
        bool accepted = false; // the row passed validation and left the quarantine
        QString message;       // for the status line
    };
    // The administrator typed value into cell `cell` of quarantined row `index`: the edit is kept in the
    // project (and re-applied whenever the source is re-read) and the row is validated again.
    FixResult fixQuarantinedCell(int index, int cell, const QString &value);

    // Keeps the version `key` of the logs saved under uuid. False when busy or the uuid is not a duplicate.
    bool chooseDuplicate(const QString &uuid, const RecordKey &key);

    // Dismisses quarantined row `index` ("not a log to recover") with the administrator's reason: recorded in the
    // project, counted as dismissed in the report, and no longer asked about on the Readiness list. The row stays
    // in the quarantine (and in every count). False when busy, the index is wrong, the reason is empty, or the row
    // is dismissed already.
    bool dismissQuarantined(int index, const QString &reason);
    // Undoes a dismissal: the row asks for attention again. False when it was not dismissed (or busy).
    bool restoreQuarantined(int index);
    // The reason row `index` was dismissed with; empty when it was not.
    QString dismissalReason(int index) const;
    QStringList dismissalReasons() const; // one per quarantined row, in order (empty: not dismissed)
    qint64 dismissed() const; // quarantined rows dismissed
    qint64 undecided() const { return quarantined() - dismissed(); } // neither fixed nor dismissed

    // Writes the quarantined rows (source, row, field, reason, cells) as CSV with core's writer (the same
    // columns as `report --csv-dir`'s quarantine.csv), owner-only. Throws UserError naming the file.
    // Returns the number of rows written.
    qint64 exportQuarantine(const QString &path) const;

signals:
    void countsChanged();

private:
    RecoverySession *m_session;
};

} // namespace tt
