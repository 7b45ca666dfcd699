#pragma once
// Step 1: a new recovery project (school name, domain, time zone, where to save it) or an existing one.
#include "wizardpage.h"

class QComboBox;
class QLineEdit;
class QListWidget;
class QLabel;
class QPushButton;

namespace tt {
class EnvSetupSession;
}

namespace tt::ui {

class ProjectPage : public WizardPage
{
    Q_OBJECT
public:
    // env: "Start from TrackTally's .env" (may be null: the box is not shown).
    ProjectPage(RecoverySession *session, EnvSetupSession *env, QWidget *parent = nullptr);
    void initializePage() override;

signals:
    // A project was opened from a file: the wizard goes to the step it was left at.
    void projectOpenedFromFile();
    void projectCreated();

private:
    void createProject();
    void openProject(const QString &path);
    void browseSave();
    void browseOpen();
    void refreshRecent();
    void showError(const QString &message);
    QWidget *buildEnvBox();
    void readEnv();
    void showEnv();

    QLineEdit *m_name;
    QLineEdit *m_domain;
    QComboBox *m_zone;
    QLineEdit *m_file;
    QPushButton *m_create;
    QListWidget *m_recent;
    QPushButton *m_openRecent;
    QLabel *m_error;
    QLabel *m_current;
    bool m_opening = false; // a project is being read on the worker
    EnvSetupSession *m_env;
    QLineEdit *m_envFile = nullptr;
    QListWidget *m_envParts = nullptr;
    QLabel *m_envProblems = nullptr;
};

} // namespace tt::ui
