#include "googlesheetdialog.h"
#include "theme.h"

#include "common/errors.h"
#include "session/sourcessession.h"
#include "sheets/usersignin.h"

#include <QButtonGroup>
#include <QDesktopServices>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QSettings>
#include <QUrl>
#include <algorithm>

namespace tt::ui {

namespace {
const QString kClientSetting = QStringLiteral("googleSignIn/clientFile");

QString chooseFile(QWidget *parent, const QString &title, const QString &filter)
{
    return QFileDialog::getOpenFileName(parent, title, QString(), filter);
}
} // namespace

GoogleSheetDialog::GoogleSheetDialog(SourcesSession *sources, QWidget *parent)
    : QDialog(parent), m_sources(sources), m_apiBase(sources->lastApiBase())
{
    setObjectName(QStringLiteral("googleSheetDialog"));
    setWindowTitle(tr("Read from Google Sheets"));
    m_sheet = new QLineEdit(m_sources->lastSpreadsheet(), this);
    m_sheet->setObjectName(QStringLiteral("spreadsheetEdit"));
    m_sheet->setAccessibleName(tr("Spreadsheet link or id"));
    m_sheet->setPlaceholderText(tr("https://docs.google.com/spreadsheets/d/…/edit, or the spreadsheet id"));

    m_useKey = new QRadioButton(tr("Service-account &key"), this);
    m_useKey->setObjectName(QStringLiteral("serviceAccountRadio"));
    m_useSignIn = new QRadioButton(tr("Sign in with &Google"), this);
    m_useSignIn->setObjectName(QStringLiteral("signInRadio"));
    m_how = new QButtonGroup(this);
    m_how->addButton(m_useKey);
    m_how->addButton(m_useSignIn);

    buildKeyChoice();
    buildSignInChoice();
    buildStatusRow();

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_ok = m_buttons->button(QDialogButtonBox::Ok);
    m_ok->setText(tr("Read the sheet"));
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &GoogleSheetDialog::readSheet);

    connect(m_client, &QLineEdit::textChanged, this, [this] {
        refresh();
        if (m_useSignIn->isEnabled() && m_key->text().trimmed().isEmpty())
            m_useSignIn->setChecked(true);
    });
    connect(m_how, &QButtonGroup::buttonToggled, this, [this] { refresh(); });
    (!m_client->text().isEmpty() && m_key->text().isEmpty() ? m_useSignIn : m_useKey)->setChecked(true);
    refresh();
    layOut();
}

void GoogleSheetDialog::buildKeyChoice()
{
    m_key = new QLineEdit(m_sources->lastKeyFile(), this);
    m_key->setObjectName(QStringLiteral("keyFileEdit"));
    m_key->setAccessibleName(tr("Service-account key file"));
    m_browseKey = new QPushButton(tr("&Browse…"), this);
    m_browseKey->setAccessibleName(tr("Choose the service-account key file"));
    connect(m_browseKey, &QPushButton::clicked, this, [this] {
        const QString path = chooseFile(this, tr("Service-account key"), tr("Key files (*.json);;All files (*)"));
        if (!path.isEmpty())
            m_key->setText(path);
    });
    m_keyHelp = new QLabel(tr("The sheet must be shared with the key's service-account e-mail address. The key "
                              "stays where you keep it: the project remembers only its location."),
                           this);
    m_keyHelp->setWordWrap(true);
    m_keyHelp->setContentsMargins(24, 0, 0, 0);
}

void GoogleSheetDialog::buildSignInChoice()
{
    // The OAuth client: $TT_GOOGLE_CLIENT_FILE, else the one this project or this computer used last.
    QString remembered = m_sources->lastOAuthClientFile();
    if (remembered.isEmpty() || !QFileInfo(remembered).isFile())
        remembered = QSettings().value(kClientSetting).toString();
    m_client = new QLineEdit(OAuthClient::configuredFile(remembered), this);
    m_client->setObjectName(QStringLiteral("oauthClientEdit"));
    m_client->setAccessibleName(tr("Sign-in client file"));
    m_client->setPlaceholderText(tr("OAuth client file (Desktop app) from the Google Cloud console"));
    m_browseClient = new QPushButton(tr("B&rowse…"), this);
    m_browseClient->setObjectName(QStringLiteral("oauthClientBrowseButton"));
    m_browseClient->setAccessibleName(tr("Choose the sign-in client file"));
    connect(m_browseClient, &QPushButton::clicked, this, [this] {
        const QString path =
            chooseFile(this, tr("Sign-in client file"), tr("OAuth client files (*.json);;All files (*)"));
        if (!path.isEmpty())
            m_client->setText(path);
    });
    m_signInHelp = new QLabel(tr("You sign in with your own Google account in your web browser. TrackTally "
                                 "Recovery asks only to read your spreadsheets, and forgets the access when it "
                                 "closes."),
                              this);
    m_signInHelp->setWordWrap(true);
    m_signInHelp->setContentsMargins(24, 0, 0, 0);
    m_signInText = m_signInHelp->text();
}

void GoogleSheetDialog::buildStatusRow()
{
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("signInStatusLabel"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextBrowserInteraction);
    m_status->setOpenExternalLinks(true);
    m_status->hide();
    m_cancelSignIn = new QPushButton(tr("Cancel sign-in"), this);
    m_cancelSignIn->setObjectName(QStringLiteral("cancelSignInButton"));
    m_cancelSignIn->hide();
    connect(m_cancelSignIn, &QPushButton::clicked, this, [this] {
        if (m_signIn)
            m_signIn->cancel();
    });
}

void GoogleSheetDialog::layOut()
{
    auto *keyRow = new QHBoxLayout;
    keyRow->setContentsMargins(24, 0, 0, 0);
    keyRow->addWidget(m_key, 1);
    keyRow->addWidget(m_browseKey);
    auto *clientRow = new QHBoxLayout;
    clientRow->setContentsMargins(24, 0, 0, 0);
    clientRow->addWidget(new QLabel(tr("Sign-in client:"), this));
    clientRow->addWidget(m_client, 1);
    clientRow->addWidget(m_browseClient);
    auto *statusRow = new QHBoxLayout;
    statusRow->addWidget(m_status, 1);
    statusRow->addWidget(m_cancelSignIn, 0, Qt::AlignTop);

    auto *form = new QFormLayout(this);
    form->addRow(tr("&Spreadsheet:"), m_sheet);
    form->addRow(new QLabel(tr("Read it with:"), this));
    form->addRow(m_useKey);
    form->addRow(keyRow);
    form->addRow(m_keyHelp);
    form->addRow(m_useSignIn);
    form->addRow(clientRow);
    form->addRow(m_signInHelp);
    form->addRow(statusRow);
    form->addRow(m_buttons);
    resize(680, sizeHint().height());
}

void GoogleSheetDialog::showStatus(const QString &text, bool problem)
{
    m_status->setText(text);
    theme::setProblem(m_status, problem);
    m_status->setVisible(!text.isEmpty());
    if (layout())
        layout()->activate(); // grow to show the whole message
    resize(width(), std::max(height(), sizeHint().height()));
}

void GoogleSheetDialog::refresh()
{
    // Sign-in is offered only when a client file that loads is configured; else the help text says why.
    const QString path = m_client->text().trimmed();
    QString why;
    if (path.isEmpty())
        why = tr("Sign-in with a Google account is not set up on this computer: it needs the OAuth client file "
                 "of a \"Desktop app\" client from your school's Google Cloud console (or the environment "
                 "variable %1). Choose that file with Browse.")
                  .arg(OAuthClient::environmentVariable());
    else if (!QFileInfo(path).isFile())
        why = tr("The sign-in client file %1 does not exist.").arg(path);
    m_useSignIn->setEnabled(why.isEmpty());
    m_useSignIn->setToolTip(why);
    m_signInHelp->setText(why.isEmpty() ? m_signInText : why); // say why, not only in a tooltip
    if (!why.isEmpty() && m_useSignIn->isChecked())
        m_useKey->setChecked(true);
    const bool signIn = m_useSignIn->isChecked();
    m_key->setEnabled(!signIn);
    m_browseKey->setEnabled(!signIn);
    m_keyHelp->setEnabled(!signIn);
    m_signInHelp->setEnabled(signIn || !why.isEmpty());
}

void GoogleSheetDialog::setWaiting(bool waiting)
{
    for (QWidget *w : {static_cast<QWidget *>(m_sheet), static_cast<QWidget *>(m_useKey),
                       static_cast<QWidget *>(m_useSignIn), static_cast<QWidget *>(m_client),
                       static_cast<QWidget *>(m_browseClient), static_cast<QWidget *>(m_ok)})
        w->setEnabled(!waiting);
    m_cancelSignIn->setVisible(waiting);
    if (!waiting)
        refresh();
}

void GoogleSheetDialog::readSheet()
{
    const QString spreadsheet = m_sheet->text().trimmed();
    if (spreadsheet.isEmpty()) {
        showStatus(tr("Paste the link of the TrackTally spreadsheet first."), true);
        return;
    }
    if (m_useKey->isChecked()) {
        if (m_key->text().trimmed().isEmpty()) {
            showStatus(tr("Choose the service-account key file first."), true);
            return;
        }
        m_sources->addGoogleSheet(spreadsheet, m_key->text().trimmed(), m_apiBase);
        accept();
        return;
    }
    startSignIn(spreadsheet);
}

void GoogleSheetDialog::startSignIn(const QString &spreadsheet)
{
    OAuthClient oauth;
    try {
        oauth = OAuthClient::load(m_client->text().trimmed());
    } catch (const UserError &e) {
        showStatus(e.message(), true);
        return;
    }
    if (qEnvironmentVariableIsEmpty(OAuthClient::environmentVariable().toLatin1().constData()))
        QSettings().setValue(kClientSetting, QFileInfo(oauth.path).absoluteFilePath());
    delete m_signIn;
    m_signIn = new UserSignIn(oauth, this);
    connect(m_signIn, &UserSignIn::authorizeWithBrowser, this, [this](const QUrl &url) {
        QDesktopServices::openUrl(url);
        const QString link = url.toString(QUrl::FullyEncoded).toHtmlEscaped();
        showStatus(tr("Waiting for you to sign in in your web browser… If no browser opened, open "
                      "<a href=\"%1\">this sign-in page</a> yourself.")
                       .arg(link),
                   false);
    });
    connect(m_signIn, &UserSignIn::granted, this, [this, spreadsheet] {
        m_sources->addGoogleSheetWithToken(spreadsheet, m_signIn->token(), m_apiBase);
        accept();
    });
    connect(m_signIn, &UserSignIn::failed, this, [this](const QString &message) {
        setWaiting(false);
        showStatus(message.toHtmlEscaped(), true);
    });
    connect(m_signIn, &UserSignIn::cancelled, this, [this] {
        setWaiting(false);
        showStatus(tr("Sign-in cancelled; nothing was read."), false);
    });
    setWaiting(true);
    showStatus(tr("Starting the sign-in…"), false);
    m_signIn->start();
}

} // namespace tt::ui
