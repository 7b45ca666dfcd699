#include "sourcespage.h"

#include "models/previewmodel.h"
#include "records/columnmapping.h"
#include "session/recoverysession.h"
#include "session/sourcessession.h"
#include "common/errors.h"
#include "sheets/usersignin.h"

#include <QButtonGroup>
#include <QComboBox>
#include <QDesktopServices>
#include <QFileInfo>
#include <QRadioButton>
#include <QSettings>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLayout>
#include <QMimeData>
#include <QPushButton>
#include <QLineEdit>
#include <QFormLayout>
#include <QDialogButtonBox>
#include <QDialog>
#include <QTableView>
#include <QVBoxLayout>
#include <algorithm>

namespace tt::ui {

SourcesPage::SourcesPage(RecoverySession *session, SourcesSession *config, QWidget *parent)
    : WizardPage(session, parent), m_config(config)
{
    setObjectName(QStringLiteral("sourcesPage"));
    setTitle(tr("Sheet exports"));
    setSubTitle(tr("Add the files downloaded from the TrackTally Google Sheet: a CSV per tab, or the whole workbook as "
                   "XLSX (you can also drag them onto this page); or read the sheet itself with From Google Sheets."));
    setAcceptDrops(true);

    auto *add = new QPushButton(tr("&Add files…"), this);
    add->setObjectName(QStringLiteral("addFilesButton"));
    auto *google = new QPushButton(tr("From &Google Sheets…"), this);
    google->setObjectName(QStringLiteral("addGoogleSheetButton"));
    google->setToolTip(tr("Read both tabs straight from the spreadsheet with a service-account key"));
    m_fallbackType = new QComboBox(this);
    m_fallbackType->setObjectName(QStringLiteral("fallbackTypeCombo"));
    m_fallbackType->setAccessibleName(tr("Tab of CSV files whose name does not say"));
    m_fallbackType->addItem(tr("Incidents"), int(RecordType::Incident));
    m_fallbackType->addItem(tr("Commendations"), int(RecordType::Commendation));
    m_sources = new QComboBox(this);
    m_sources->setObjectName(QStringLiteral("sourceCombo"));
    m_sources->setAccessibleName(tr("Source shown below"));
    m_sources->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    auto *top = new QHBoxLayout;
    top->addWidget(add);
    top->addWidget(google);
    top->addWidget(new QLabel(tr("CSV files not named after a tab are:"), this));
    top->addWidget(m_fallbackType);
    top->addSpacing(16);
    auto *showLabel = new QLabel(tr("&Showing:"), this);
    showLabel->setBuddy(m_sources);
    top->addWidget(showLabel);
    top->addWidget(m_sources, 1);

    m_header = new QLabel(this);
    m_header->setObjectName(QStringLiteral("headerStatusLabel"));
    m_header->setWordWrap(true);
    m_notes = new QLabel(this);
    m_notes->setObjectName(QStringLiteral("sourceNotesLabel"));
    m_notes->setWordWrap(true);
    m_notes->setStyleSheet(QStringLiteral("color: #555;"));

    m_previewModel = new PreviewModel(this);
    m_preview = new QTableView(this);
    m_preview->setObjectName(QStringLiteral("previewView"));
    m_preview->setAccessibleName(tr("Preview of the first rows"));
    m_preview->setModel(m_previewModel);
    m_preview->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_preview->verticalHeader()->setDefaultSectionSize(22);
    m_preview->horizontalHeader()->setDefaultSectionSize(120);
    m_preview->setEditTriggers(QAbstractItemView::NoEditTriggers);

    auto *mapBox = new QGroupBox(tr("Which column holds each field"), this);
    auto *grid = new QGridLayout(mapBox);
    int i = 0;
    for (Field f : allFields()) {
        auto *combo = new QComboBox(mapBox);
        combo->setObjectName(QStringLiteral("fieldCombo_") + fieldKey(f));
        combo->setAccessibleName(tr("Column for %1").arg(fieldTitle(f)));
        auto *label = new QLabel(isRequiredField(f) ? tr("%1 *").arg(fieldTitle(f)) : fieldTitle(f), mapBox);
        label->setBuddy(combo);
        combo->setMinimumContentsLength(22);
        grid->addWidget(label, i / 3, (i % 3) * 2);
        grid->addWidget(combo, i / 3, (i % 3) * 2 + 1);
        m_fields[size_t(i)] = combo;
        connect(combo, &QComboBox::currentIndexChanged, this, [this, f, combo] {
            if (!m_updating)
                m_config->setColumn(f, combo->currentData().toInt());
        });
        ++i;
    }
    m_problems = new QLabel(mapBox);
    m_problems->setObjectName(QStringLiteral("mappingProblemsLabel"));
    m_problems->setWordWrap(true);
    m_problems->setStyleSheet(QStringLiteral("color: #a00000;"));
    m_apply = new QPushButton(tr("Re-read with these columns"), mapBox);
    m_apply->setObjectName(QStringLiteral("applyMappingButton"));
    m_revert = new QPushButton(tr("Undo column changes"), mapBox);
    m_revert->setObjectName(QStringLiteral("revertMappingButton"));
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_problems, 1);
    buttons->addWidget(m_revert);
    buttons->addWidget(m_apply);
    grid->addLayout(buttons, 4, 0, 1, 6);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(m_header);
    layout->addWidget(m_notes);
    layout->addWidget(m_preview, 1);
    layout->addWidget(mapBox);

    connect(add, &QPushButton::clicked, this, &SourcesPage::addFiles);
    connect(google, &QPushButton::clicked, this, &SourcesPage::addGoogleSheet);
    connect(m_sources, &QComboBox::currentIndexChanged, this, [this](int index) {
        if (!m_updating)
            m_config->select(index);
    });
    connect(m_apply, &QPushButton::clicked, m_config, &SourcesSession::applyMapping);
    connect(m_revert, &QPushButton::clicked, m_config, &SourcesSession::revertMapping);
    connect(m_config, &SourcesSession::sourcesChanged, this, &SourcesPage::refreshSources);
    connect(m_config, &SourcesSession::selectionChanged, this, &SourcesPage::refreshSources);
    connect(m_config, &SourcesSession::mappingChanged, this, &SourcesPage::refreshMapping);
    connect(m_config, &SourcesSession::previewChanged, this, &SourcesPage::refreshPreview);
    connect(m_config, &SourcesSession::readyChanged, this, &QWizardPage::completeChanged);
    refreshSources();
}

bool SourcesPage::isComplete() const
{
    return WizardPage::isComplete() && m_config->isReady();
}

bool SourcesPage::validatePage()
{
    if (m_config->mappingDirty()) {
        m_config->applyMapping(); // re-read first; Next goes on once it has finished
        return false;
    }
    return true;
}

QString SourcesPage::attention() const
{
    if (m_config->sourceCount() == 0)
        return tr("Add at least one file");
    if (m_config->mappingDirty())
        return tr("Column changes not applied yet");
    return {};
}

void SourcesPage::dragEnterEvent(QDragEnterEvent *event)
{
    if (event->mimeData()->hasUrls())
        event->acceptProposedAction();
}

void SourcesPage::dropEvent(QDropEvent *event)
{
    QStringList paths;
    for (const QUrl &url : event->mimeData()->urls())
        if (url.isLocalFile() && SourcesSession::isSupportedFile(url.toLocalFile()))
            paths << url.toLocalFile();
    if (!paths.isEmpty()) {
        m_config->addFiles(paths, RecordType(m_fallbackType->currentData().toInt()));
        event->acceptProposedAction();
    }
}

void SourcesPage::addFiles()
{
    const QStringList paths = QFileDialog::getOpenFileNames(this, tr("Add sheet exports"), QString(),
                                                            tr("Sheet exports (*.csv *.xlsx *.tsv *.txt);;All files (*)"));
    if (!paths.isEmpty())
        m_config->addFiles(paths, RecordType(m_fallbackType->currentData().toInt()));
}

void SourcesPage::addGoogleSheet()
{
    // Two ways in: a service-account key, or the administrator's own Google account (OAuth installed-app
    // sign-in in the web browser, offered when an OAuth client file is configured). The sign-in runs on this
    // thread, signal-driven, while the dialog stays responsive; the fetch then runs on the worker.
    static const QString clientSetting = QStringLiteral("googleSignIn/clientFile");
    QDialog dialog(this);
    dialog.setObjectName(QStringLiteral("googleSheetDialog"));
    dialog.setWindowTitle(tr("Read from Google Sheets"));
    auto *sheet = new QLineEdit(m_config->lastSpreadsheet(), &dialog);
    sheet->setObjectName(QStringLiteral("spreadsheetEdit"));
    sheet->setPlaceholderText(tr("https://docs.google.com/spreadsheets/d/…/edit, or the spreadsheet id"));

    auto *useKey = new QRadioButton(tr("Service-account &key"), &dialog);
    useKey->setObjectName(QStringLiteral("serviceAccountRadio"));
    auto *useSignIn = new QRadioButton(tr("Sign in with &Google"), &dialog);
    useSignIn->setObjectName(QStringLiteral("signInRadio"));
    auto *how = new QButtonGroup(&dialog);
    how->addButton(useKey);
    how->addButton(useSignIn);

    auto *key = new QLineEdit(m_config->lastKeyFile(), &dialog);
    key->setObjectName(QStringLiteral("keyFileEdit"));
    key->setAccessibleName(tr("Service-account key file"));
    auto *browse = new QPushButton(tr("&Browse…"), &dialog);
    connect(browse, &QPushButton::clicked, &dialog, [&dialog, key] {
        const QString path = QFileDialog::getOpenFileName(&dialog, tr("Service-account key"), QString(),
                                                          tr("Key files (*.json);;All files (*)"));
        if (!path.isEmpty())
            key->setText(path);
    });
    auto *keyRow = new QHBoxLayout;
    keyRow->setContentsMargins(24, 0, 0, 0);
    keyRow->addWidget(key, 1);
    keyRow->addWidget(browse);
    auto *keyHelp = new QLabel(tr("The sheet must be shared with the key's service-account e-mail address. The key "
                                  "stays where you keep it: the project remembers only its location."),
                               &dialog);
    keyHelp->setWordWrap(true);
    keyHelp->setContentsMargins(24, 0, 0, 0);

    // The OAuth client: $TT_GOOGLE_CLIENT_FILE, else the one this project or this computer used last.
    QString remembered = m_config->lastOAuthClientFile();
    if (remembered.isEmpty() || !QFileInfo(remembered).isFile())
        remembered = QSettings().value(clientSetting).toString();
    auto *client = new QLineEdit(OAuthClient::configuredFile(remembered), &dialog);
    client->setObjectName(QStringLiteral("oauthClientEdit"));
    client->setAccessibleName(tr("Sign-in client file"));
    client->setPlaceholderText(tr("OAuth client file (Desktop app) from the Google Cloud console"));
    auto *browseClient = new QPushButton(tr("B&rowse…"), &dialog);
    browseClient->setObjectName(QStringLiteral("oauthClientBrowseButton"));
    connect(browseClient, &QPushButton::clicked, &dialog, [&dialog, client] {
        const QString path = QFileDialog::getOpenFileName(&dialog, tr("Sign-in client file"), QString(),
                                                          tr("OAuth client files (*.json);;All files (*)"));
        if (!path.isEmpty())
            client->setText(path);
    });
    auto *clientRow = new QHBoxLayout;
    clientRow->setContentsMargins(24, 0, 0, 0);
    clientRow->addWidget(new QLabel(tr("Sign-in client:"), &dialog));
    clientRow->addWidget(client, 1);
    clientRow->addWidget(browseClient);
    auto *signInHelp = new QLabel(tr("You sign in with your own Google account in your web browser. TrackTally "
                                     "Recovery asks only to read your spreadsheets, and forgets the access when it "
                                     "closes."),
                                  &dialog);
    signInHelp->setWordWrap(true);
    signInHelp->setContentsMargins(24, 0, 0, 0);

    auto *status = new QLabel(&dialog);
    status->setObjectName(QStringLiteral("signInStatusLabel"));
    status->setWordWrap(true);
    status->setTextInteractionFlags(Qt::TextBrowserInteraction);
    status->setOpenExternalLinks(true);
    status->hide();
    auto *cancelSignIn = new QPushButton(tr("Cancel sign-in"), &dialog);
    cancelSignIn->setObjectName(QStringLiteral("cancelSignInButton"));
    cancelSignIn->hide();
    auto *statusRow = new QHBoxLayout;
    statusRow->addWidget(status, 1);
    statusRow->addWidget(cancelSignIn, 0, Qt::AlignTop);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    QPushButton *ok = buttons->button(QDialogButtonBox::Ok);
    ok->setText(tr("Read the sheet"));
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);

    auto showStatus = [status](const QString &text, bool problem) {
        status->setText(text);
        status->setStyleSheet(problem ? QStringLiteral("color: #a00000;") : QString());
        status->setVisible(!text.isEmpty());
        QWidget *window = status->window(); // grow to show the whole message
        if (window->layout())
            window->layout()->activate();
        window->resize(window->width(), std::max(window->height(), window->sizeHint().height()));
    };
    const QString signInText = signInHelp->text();
    // Sign-in is offered only when a client file that loads is configured; else the tooltip says why.
    auto refresh = [=] {
        const QString path = client->text().trimmed();
        QString why;
        if (path.isEmpty())
            why = tr("Sign-in with a Google account is not set up on this computer: it needs the OAuth client file "
                     "of a \"Desktop app\" client from your school's Google Cloud console (or the environment "
                     "variable %1). Choose that file with Browse.")
                      .arg(OAuthClient::environmentVariable());
        else if (!QFileInfo(path).isFile())
            why = tr("The sign-in client file %1 does not exist.").arg(path);
        useSignIn->setEnabled(why.isEmpty());
        useSignIn->setToolTip(why);
        signInHelp->setText(why.isEmpty() ? signInText : why); // say why, not only in a tooltip
        if (!why.isEmpty() && useSignIn->isChecked())
            useKey->setChecked(true);
        const bool signIn = useSignIn->isChecked();
        key->setEnabled(!signIn);
        browse->setEnabled(!signIn);
        keyHelp->setEnabled(!signIn);
        signInHelp->setEnabled(signIn || !why.isEmpty());
    };
    connect(client, &QLineEdit::textChanged, &dialog, [=] {
        refresh();
        if (useSignIn->isEnabled() && key->text().trimmed().isEmpty())
            useSignIn->setChecked(true);
    });
    connect(how, &QButtonGroup::buttonToggled, &dialog, [=] { refresh(); });
    (!client->text().isEmpty() && key->text().isEmpty() ? useSignIn : useKey)->setChecked(true);
    refresh();

    UserSignIn *signIn = nullptr; // while the browser sign-in runs (a child of the dialog)
    auto setWaiting = [=](bool waiting) {
        for (QWidget *w : {static_cast<QWidget *>(sheet), static_cast<QWidget *>(useKey),
                           static_cast<QWidget *>(useSignIn), static_cast<QWidget *>(client),
                           static_cast<QWidget *>(browseClient), static_cast<QWidget *>(ok)})
            w->setEnabled(!waiting);
        cancelSignIn->setVisible(waiting);
        if (!waiting)
            refresh();
    };
    const QString apiBase = m_config->lastApiBase();
    connect(cancelSignIn, &QPushButton::clicked, &dialog, [&signIn] {
        if (signIn)
            signIn->cancel();
    });
    connect(buttons, &QDialogButtonBox::accepted, &dialog, [&, showStatus, setWaiting] {
        const QString spreadsheet = sheet->text().trimmed();
        if (spreadsheet.isEmpty()) {
            showStatus(tr("Paste the link of the TrackTally spreadsheet first."), true);
            return;
        }
        if (useKey->isChecked()) {
            if (key->text().trimmed().isEmpty()) {
                showStatus(tr("Choose the service-account key file first."), true);
                return;
            }
            m_config->addGoogleSheet(spreadsheet, key->text().trimmed(), apiBase);
            dialog.accept();
            return;
        }
        OAuthClient oauth;
        try {
            oauth = OAuthClient::load(client->text().trimmed());
        } catch (const UserError &e) {
            showStatus(e.message(), true);
            return;
        }
        if (qEnvironmentVariableIsEmpty(OAuthClient::environmentVariable().toLatin1().constData()))
            QSettings().setValue(clientSetting, QFileInfo(oauth.path).absoluteFilePath());
        delete signIn;
        signIn = new UserSignIn(oauth, &dialog);
        connect(signIn, &UserSignIn::authorizeWithBrowser, &dialog, [showStatus](const QUrl &url) {
            QDesktopServices::openUrl(url);
            const QString link = url.toString(QUrl::FullyEncoded).toHtmlEscaped();
            showStatus(tr("Waiting for you to sign in in your web browser… If no browser opened, open "
                          "<a href=\"%1\">this sign-in page</a> yourself.")
                           .arg(link),
                       false);
        });
        connect(signIn, &UserSignIn::granted, &dialog, [&, spreadsheet] {
            m_config->addGoogleSheetWithToken(spreadsheet, signIn->token(), apiBase);
            dialog.accept();
        });
        connect(signIn, &UserSignIn::failed, &dialog, [showStatus, setWaiting](const QString &message) {
            setWaiting(false);
            showStatus(message.toHtmlEscaped(), true);
        });
        connect(signIn, &UserSignIn::cancelled, &dialog, [showStatus, setWaiting] {
            setWaiting(false);
            showStatus(tr("Sign-in cancelled; nothing was read."), false);
        });
        setWaiting(true);
        showStatus(tr("Starting the sign-in…"), false);
        signIn->start();
    });

    auto *form = new QFormLayout(&dialog);
    form->addRow(tr("&Spreadsheet:"), sheet);
    form->addRow(new QLabel(tr("Read it with:"), &dialog));
    form->addRow(useKey);
    form->addRow(keyRow);
    form->addRow(keyHelp);
    form->addRow(useSignIn);
    form->addRow(clientRow);
    form->addRow(signInHelp);
    form->addRow(statusRow);
    form->addRow(buttons);
    dialog.resize(680, dialog.sizeHint().height());
    dialog.exec();
}

void SourcesPage::refreshSources()
{
    m_updating = true;
    m_sources->clear();
    for (int i = 0; i < m_config->sourceCount(); ++i)
        m_sources->addItem(m_config->sourceLabel(i));
    if (m_sources->count() == 0)
        m_sources->addItem(tr("No files yet"));
    m_sources->setEnabled(m_config->sourceCount() > 0);
    m_sources->setCurrentIndex(qMax(0, m_config->selected()));
    m_updating = false;
    m_notes->setText(m_config->sourceNotes().join(u'\n'));
    m_notes->setVisible(!m_notes->text().isEmpty());
    refreshMapping();
    emit statusChanged();
}

void SourcesPage::refreshMapping()
{
    m_updating = true;
    const ColumnMapping &m = m_config->mapping();
    int columns = qMax(m_config->previewColumns(), int(m.headerTexts().size()));
    for (Field f : allFields())
        columns = qMax(columns, m.column(f) + 1);
    columns = qMax(columns, FieldCount);
    const bool hasSource = m_config->selected() >= 0;
    for (Field f : allFields()) {
        QComboBox *combo = m_fields[size_t(f)];
        combo->clear();
        combo->addItem(tr("(not in the sheet)"), -1);
        for (int c = 0; c < columns; ++c) {
            const QString header = c < m.headerTexts().size() ? m.headerTexts().at(c) : QString();
            combo->addItem(header.isEmpty() ? tr("Column %1").arg(columnLetter(c)) : tr("Column %1: %2").arg(columnLetter(c), header), c);
        }
        combo->setCurrentIndex(combo->findData(m.column(f)));
        combo->setEnabled(hasSource);
    }
    m_updating = false;
    m_header->setText(m_config->headerStatus());
    const QStringList problems = m_config->problems();
    m_problems->setText(hasSource ? problems.join(u'\n') : QString());
    const bool dirty = m_config->mappingDirty();
    m_apply->setEnabled(dirty && problems.isEmpty());
    m_revert->setEnabled(dirty);
    refreshPreview();
    emit completeChanged();
}

void SourcesPage::refreshPreview()
{
    const ColumnMapping &m = m_config->mapping();
    const int columns = m_config->previewColumns();
    QStringList mapped(columns);
    for (Field f : allFields())
        if (m.column(f) >= 0 && m.column(f) < columns)
            mapped[m.column(f)] = mapped[m.column(f)].isEmpty() ? fieldTitle(f) : mapped[m.column(f)] + QStringLiteral(" + ") + fieldTitle(f);
    m_previewModel->setRows(m_config->previewRows(), columns, mapped, m.hasHeader());
    if (!m_config->previewError().isEmpty())
        m_notes->setText(m_config->previewError());
}

} // namespace tt::ui
