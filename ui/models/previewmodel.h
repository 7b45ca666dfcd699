#pragma once
// The first rows of a source file, as read (no mapping applied): one column per sheet column.
#include "sheets/cell.h"

#include <QAbstractTableModel>
#include <QStringList>
#include <vector>

namespace tt::ui {

class PreviewModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    using QAbstractTableModel::QAbstractTableModel;
    // headerRow: row 1 is the header (shown as such).
    void setRows(const std::vector<SheetRow> &rows, int columns, const QStringList &headers, bool headerRow = false);
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation o, int role = Qt::DisplayRole) const override;

private:
    std::vector<SheetRow> m_rows;
    int m_columns = 0;
    bool m_headerRow = false;
    QStringList m_headers; // per column: the field it is mapped to
};

} // namespace tt::ui
