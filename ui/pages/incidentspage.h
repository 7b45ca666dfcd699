#pragma once
// Step 4: the recovered incidents and commendations: sortable, filtered, details, and charts.
#include "wizardpage.h"

class QComboBox;
class QGridLayout;
class QPushButton;
class QTabWidget;
class QDateEdit;
class QLabel;
class QLineEdit;
class QTableView;
class QTextBrowser;
class QWidget;

namespace tt {
class IncidentsSession;
}

namespace tt::ui {

class IncidentModel;
class IncidentProxyModel;
class ChartsPanel;

class IncidentsPage : public WizardPage
{
    Q_OBJECT
public:
    IncidentsPage(RecoverySession *session, IncidentsSession *filter, QWidget *parent = nullptr);
    void initializePage() override;
    IncidentModel *model() const { return m_model; }
    IncidentProxyModel *proxy() const { return m_proxy; }

private:
    void reload();
    void refilter();
    void showDetails();
    void fillCombos();
    void createFilters();
    QGridLayout *createFilterGrid();
    void createList();
    void connectFilters();
    void setTabOrders();

    IncidentsSession *m_filter;
    IncidentModel *m_model;
    IncidentProxyModel *m_proxy;
    quint64 m_loadedGeneration = 0;
    QComboBox *m_type;
    QDateEdit *m_from;
    QDateEdit *m_to;
    QComboBox *m_teacher;
    QComboBox *m_class;
    QLineEdit *m_student;
    QComboBox *m_category;
    QLineEdit *m_text;
    QPushButton *m_clear;
    QLabel *m_matches;
    QTabWidget *m_tabs;
    QTableView *m_view;
    QTextBrowser *m_details;
    ChartsPanel *m_charts;
};

} // namespace tt::ui
