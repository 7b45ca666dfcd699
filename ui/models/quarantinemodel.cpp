#include "quarantinemodel.h"

#include "records/columnmapping.h"
#include "session/recoverysession.h"
#include "session/validationsession.h"
#include "theme.h"

#include <QApplication>
#include <QStyle>

#include <QBrush>
#include <QColor>

namespace tt::ui {

QuarantineModel::QuarantineModel(RecoverySession *session, ValidationSession *validation, QObject *parent)
    : QAbstractTableModel(parent), m_session(session), m_validation(validation)
{
    connect(session, &RecoverySession::recordsChanged, this, &QuarantineModel::reload);
    reload();
}

void QuarantineModel::reload()
{
    beginResetModel();
    m_cells = 0;
    m_rows = 0;
    m_dismissals.clear();
    if (m_session->hasProject()) {
        const auto &q = m_session->project().quarantine();
        m_rows = int(q.size());
        for (const QuarantinedRow &r : q)
            m_cells = qMax(m_cells, int(r.cells.size()));
        m_cells = qMax(m_cells, 12);
        m_dismissals = m_validation->dismissalReasons();
    }
    endResetModel();
}

int QuarantineModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : m_rows;
}

int QuarantineModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : FirstCellColumn + m_cells;
}

QVariant QuarantineModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid) || !m_session->hasProject())
        return {};
    const Project &p = m_session->project();
    if (size_t(index.row()) >= p.quarantine().size())
        return {};
    const QuarantinedRow &r = p.quarantine()[size_t(index.row())];
    const int col = index.column();
    const int cell = col - FirstCellColumn;
    if (role == Qt::DisplayRole || role == Qt::EditRole || role == Qt::ToolTipRole) {
        switch (col) {
        case SourceColumn:
            return r.sourceIndex >= 0 && size_t(r.sourceIndex) < p.sources().size() ? p.sources()[size_t(r.sourceIndex)].displayName()
                                                                                     : QString();
        case RowColumn: return r.row;
        case ReasonColumn: return r.reason;
        case DismissedColumn: {
            const QString why = m_dismissals.value(index.row());
            return why.isEmpty() ? QString() : tr("Dismissed: %1").arg(why);
        }
        default: return cell < r.cells.size() ? r.cells.at(cell) : QString();
        }
    }
    if ((role == Qt::BackgroundRole || role == Qt::DecorationRole) && cell >= 0 && r.sourceIndex >= 0
        && size_t(r.sourceIndex) < p.sources().size()) {
        Field f;
        if (fieldFromKey(r.field, &f) && p.sources()[size_t(r.sourceIndex)].mapping.column(f) == cell) {
            // the cell at fault: shaded from the palette, and a warning sign (never the colour alone)
            if (role == Qt::BackgroundRole)
                return theme::attentionBrush(QApplication::palette());
            return QApplication::style()->standardIcon(QStyle::SP_MessageBoxWarning);
        }
    }
    return {};
}

bool QuarantineModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    if (role != Qt::EditRole || !checkIndex(index, CheckIndexOption::IndexIsValid) || index.column() < FirstCellColumn)
        return false;
    const ValidationSession::FixResult fix =
        m_validation->fixQuarantinedCell(index.row(), index.column() - FirstCellColumn, value.toString());
    if (!fix.changed)
        return false;
    if (!fix.accepted) // the row stays (with a new reason); an accepted row leaves at the reset that follows
        emit dataChanged(index.siblingAtColumn(0), index.siblingAtColumn(columnCount() - 1));
    emit rowRevalidated(fix.accepted, fix.message);
    return true;
}

Qt::ItemFlags QuarantineModel::flags(const QModelIndex &index) const
{
    Qt::ItemFlags f = QAbstractTableModel::flags(index);
    if (index.isValid() && index.column() >= FirstCellColumn)
        f |= Qt::ItemIsEditable;
    return f;
}

QVariant QuarantineModel::headerData(int section, Qt::Orientation o, int role) const
{
    if (role != Qt::DisplayRole || o != Qt::Horizontal)
        return {};
    switch (section) {
    case SourceColumn: return tr("File");
    case RowColumn: return tr("Row");
    case ReasonColumn: return tr("Why it was set aside");
    case DismissedColumn: return tr("Dismissed");
    default: {
        const int cell = section - FirstCellColumn;
        QString title = columnLetter(cell);
        if (m_session->hasProject() && !m_session->project().sources().empty()) {
            const ColumnMapping &m = m_session->project().sources().front().mapping;
            for (Field f : allFields())
                if (m.column(f) == cell)
                    title = tr("%1 %2").arg(title, fieldTitle(f));
        }
        return title;
    }
    }
}

} // namespace tt::ui
