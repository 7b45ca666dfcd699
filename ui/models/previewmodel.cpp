#include "previewmodel.h"

#include "records/columnmapping.h"

#include <QBrush>
#include <QFont>

namespace tt::ui {

void PreviewModel::setRows(const std::vector<SheetRow> &rows, int columns, const QStringList &headers, bool headerRow)
{
    beginResetModel();
    m_headerRow = headerRow;
    m_rows = rows;
    m_columns = columns;
    m_headers = headers;
    endResetModel();
}

int PreviewModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int PreviewModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : m_columns;
}

QVariant PreviewModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const SheetRow &row = m_rows[size_t(index.row())];
    const bool has = size_t(index.column()) < row.cells.size();
    if (role == Qt::DisplayRole || role == Qt::ToolTipRole) {
        if (!has)
            return QString();
        QString text = row.cells[size_t(index.column())].text;
        if (role == Qt::DisplayRole && text.size() > 80)
            text = text.left(80) + QChar(0x2026);
        return text.replace(u'\n', u' ');
    }
    if (role == Qt::FontRole && m_headerRow && index.row() == 0 && row.number == 1) {
        QFont f;
        f.setBold(true);
        return f;
    }
    return {};
}

QVariant PreviewModel::headerData(int section, Qt::Orientation o, int role) const
{
    if (role != Qt::DisplayRole)
        return {};
    if (o == Qt::Vertical) {
        if (section < 0 || size_t(section) >= m_rows.size())
            return {};
        if (m_headerRow && section == 0 && m_rows.front().number == 1)
            return tr("header");
        return m_rows[size_t(section)].number;
    }
    const QString letter = columnLetter(section);
    const QString mapped = section < m_headers.size() ? m_headers.at(section) : QString();
    return mapped.isEmpty() ? letter : tr("%1 → %2").arg(letter, mapped);
}

} // namespace tt::ui
