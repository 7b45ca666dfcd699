#include "validationsession.h"

#include "common/errors.h"
#include "import/importer.h"
#include "recoverysession.h"
#include "report/csvexport.h"

#include <QCoreApplication>

namespace tt {

namespace {
QString tr(const char *text, const char *disambiguation = nullptr, int n = -1)
{
    return QCoreApplication::translate("tt::ValidationSession", text, disambiguation, n);
}
} // namespace

ValidationSession::ValidationSession(RecoverySession *session, QObject *parent) : QObject(parent), m_session(session)
{
    connect(session, &RecoverySession::recordsChanged, this, &ValidationSession::countsChanged);
    connect(session, &RecoverySession::projectOpened, this, &ValidationSession::countsChanged);
}

RowCounts ValidationSession::counts() const
{
    return m_session->hasProject() ? m_session->project().counts() : RowCounts{};
}

int ValidationSession::conflictingGroups() const
{
    if (!m_session->hasProject())
        return 0;
    int n = 0;
    for (const DuplicateGroup &g : m_session->project().dedupe().groups)
        n += g.conflicting ? 1 : 0;
    return n;
}

QString ValidationSession::attention() const
{
    const qint64 q = quarantined();
    return q > 0 ? tr("%Ln row(s) quarantined", nullptr, int(q)) : QString();
}

ValidationSession::FixResult ValidationSession::fixQuarantinedCell(int index, int cell, const QString &value)
{
    FixResult result;
    if (!m_session->hasProject() || m_session->isBusy() || index < 0 || cell < 0)
        return result;
    Project &p = m_session->editableProject();
    if (size_t(index) >= p.quarantine().size())
        return result;
    QStringList cells = p.quarantine()[size_t(index)].cells;
    while (cells.size() <= cell)
        cells << QString();
    if (cells.at(cell) == value)
        return result;
    cells[cell] = value;
    result.changed = true;
    // Views are often inside their editor when this runs: tell them (records changed) once it has returned.
    QMetaObject::invokeMethod(m_session, &RecoverySession::markRecordsChanged, Qt::QueuedConnection);
    try {
        Importer importer(p);
        result.accepted = importer.fixQuarantinedRow(size_t(index), cells);
        result.message = result.accepted ? tr("Row accepted: it passed validation and joined the incidents.")
                                         : tr("Still quarantined: %1").arg(p.quarantine()[size_t(index)].reason);
    } catch (const std::exception &e) {
        result.message = describeError(e);
    }
    return result;
}

bool ValidationSession::chooseDuplicate(const QString &uuid, const RecordKey &key)
{
    if (!m_session->hasProject() || m_session->isBusy() || uuid.isEmpty())
        return false;
    Project &p = m_session->editableProject();
    bool known = false;
    for (const DuplicateGroup &g : p.dedupe().groups) {
        if (g.uuid != uuid)
            continue;
        for (quint32 m : g.members) {
            const IncidentRecord &r = p.records()[m];
            known = known || (r.sourceIndex == key.sourceIndex && r.sourceRow == key.row);
        }
    }
    if (!known)
        return false;
    p.chooseDuplicate(uuid, key);
    m_session->markRecordsChanged();
    return true;
}

qint64 ValidationSession::exportQuarantine(const QString &path) const
{
    if (!m_session->hasProject())
        throw UserError(tr("Open a recovery project first."));
    const Project &p = m_session->project();
    QStringList names;
    for (const SourceInfo &src : p.sources())
        names << src.displayName();
    writeQuarantineCsv(p.quarantine(), names, path);
    return qint64(p.quarantine().size());
}

} // namespace tt
