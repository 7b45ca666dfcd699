#pragma once
// The mapping step of importing the school's own lists (student roster, staff list): which column holds
// each field, proposed from the header and shown over a preview of the first rows; OK only when the
// required fields have a column and no column is used twice.
#include "roster/schoolrecords.h"

#include <QDialog>
#include <map>

class QComboBox;
class QLabel;
class QPushButton;

namespace tt::ui {

class PreviewModel;

class SchoolListDialog : public QDialog
{
    Q_OBJECT
public:
    SchoolListDialog(const QString &path, SchoolListColumns columns, QWidget *parent = nullptr);
    const SchoolListColumns &columns() const { return m_columns; }

private:
    void refresh();

    SchoolListColumns m_columns;
    std::map<QString, QComboBox *> m_combos;
    PreviewModel *m_preview;
    QLabel *m_problem;
    QPushButton *m_ok;
};

} // namespace tt::ui
