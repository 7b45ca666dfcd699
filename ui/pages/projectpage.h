#pragma once
// Step 1: a new recovery project (school name, domain, time zone, where to save it) or an existing one.
#include "wizardpage.h"

class QComboBox;
class QCommandLinkButton;
class QLayout;
class QStackedWidget;
class QGroupBox;
class QLineEdit;
class QListWidget;
class QLabel;
class QPushButton;

namespace tt {
class EnvSetupSession;
class ProtectSession;
}

namespace tt::ui {

class ProjectPage : public WizardPage
{
    Q_OBJECT
public:
    // env: "Start from TrackTally's .env" (may be null: the box is not shown).
    // protect: the "Protect a database" path (may be null: only the recovery is offered).
    ProjectPage(RecoverySession *session, EnvSetupSession *env, ProtectSession *protect = nullptr,
                QWidget *parent = nullptr);
    void initializePage() override;
    bool isComplete() const override;
    // Shows "Protect a database" (true) or the recovery project (false).
    void setProtectMode(bool protect);
    bool isProtectMode() const;

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
    QGroupBox *buildNewBox();
    QGroupBox *buildOpenBox();
    QWidget *buildNeedsBox();
    QLayout *buildModeRow();
    void openDemo();
    QWidget *buildEnvBox();
    void readEnv();
    void showEnv();

    QLineEdit *m_name;
    QLineEdit *m_domain;
    QComboBox *m_zone;
    QLineEdit *m_file;
    QPushButton *m_browse;
    QPushButton *m_create;
    QPushButton *m_openOther;
    QPushButton *m_demo;
    QListWidget *m_recent;
    QPushButton *m_openRecent;
    QLabel *m_error;
    QLabel *m_current;
    bool m_opening = false; // a project is being read on the worker
    EnvSetupSession *m_env;
    ProtectSession *m_protect;
    QStackedWidget *m_modes = nullptr;
    QCommandLinkButton *m_recoverMode = nullptr;
    QCommandLinkButton *m_protectMode = nullptr;
    QLineEdit *m_envFile = nullptr;
    QListWidget *m_envParts = nullptr;
    QLabel *m_envProblems = nullptr;
};

} // namespace tt::ui
