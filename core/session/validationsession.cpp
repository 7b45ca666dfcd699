#include "validationsession.h"

#include "common/errors.h"
#include "import/importer.h"
#include "project/dismissals.h"
#include "recoverysession.h"
#include "report/csvexport.h"

#include <QCoreApplication>
#include <QDateTime>
#include <algorithm>

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
    const qint64 q = undecided();
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

bool ValidationSession::dismissQuarantined(int index, const QString &reason)
{
    if (!m_session->hasProject() || m_session->isBusy() || index < 0 || reason.trimmed().isEmpty())
        return false;
    const Project &p = m_session->project();
    if (size_t(index) >= p.quarantine().size())
        return false;
    const QuarantinedRow &q = p.quarantine()[size_t(index)];
    if (dismissalKey(p, q).isEmpty() || !dismissalReason(index).isEmpty())
        return false; // a row of no known source, or dismissed already
    QuarantineDismissal d;
    d.sourceSha256 = p.sources()[size_t(q.sourceIndex)].sha256;
    d.sheet = p.sources()[size_t(q.sourceIndex)].sheet;
    d.row = q.row;
    d.reason = reason.trimmed();
    d.at = QDateTime::currentDateTimeUtc().toString(Qt::ISODate);
    std::vector<QuarantineDismissal> all = quarantineDismissals(p);
    all.push_back(d);
    setQuarantineDismissals(m_session->editableProject(), all);
    m_session->markRecordsChanged();
    return true;
}

bool ValidationSession::restoreQuarantined(int index)
{
    if (!m_session->hasProject() || m_session->isBusy() || index < 0)
        return false;
    const Project &p = m_session->project();
    if (size_t(index) >= p.quarantine().size())
        return false;
    const QString key = dismissalKey(p, p.quarantine()[size_t(index)]);
    std::vector<QuarantineDismissal> all = quarantineDismissals(p);
    const auto gone = std::remove_if(all.begin(), all.end(), [&](const QuarantineDismissal &d) { return dismissalKey(d) == key; });
    if (key.isEmpty() || gone == all.end())
        return false;
    all.erase(gone, all.end());
    setQuarantineDismissals(m_session->editableProject(), all);
    m_session->markRecordsChanged();
    return true;
}

QString ValidationSession::dismissalReason(int index) const
{
    if (!m_session->hasProject() || index < 0 || size_t(index) >= m_session->project().quarantine().size())
        return {};
    const Project &p = m_session->project();
    return tt::dismissalReasons(p).value(dismissalKey(p, p.quarantine()[size_t(index)]));
}

QStringList ValidationSession::dismissalReasons() const
{
    QStringList out;
    if (!m_session->hasProject())
        return out;
    const Project &p = m_session->project();
    const QHash<QString, QString> reasons = tt::dismissalReasons(p);
    for (const QuarantinedRow &q : p.quarantine())
        out << reasons.value(dismissalKey(p, q));
    return out;
}

qint64 ValidationSession::dismissed() const
{
    return m_session->hasProject() ? dismissedCount(m_session->project()) : 0;
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
