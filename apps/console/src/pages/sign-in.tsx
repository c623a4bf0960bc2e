import { useState } from 'react';
import { Button, Card, Form, Input, Segmented } from 'antd';
import { Language, translate } from '../i18n';
import { ProblemAlert } from '../problem-view';
import { Session, signIn } from '../session';

/** One sign-in for the three kinds of account the gateway has: merchant (main or sub), buyer, operator. */
export function SignInPage({ language, setLanguage, onSignedIn }: { language: Language; setLanguage: (language: Language) => void; onSignedIn: (session: Session) => void }) {
  const t = (word: string) => translate(language, word);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  return (
    <main style={{ display: 'flex', justifyContent: 'center', paddingTop: 80 }}>
      <Card title={<h1 style={{ fontSize: 20, margin: 0 }}>{t('appName')}</h1>} style={{ width: 400 }} extra={<Segmented aria-label={t('language')} value={language} onChange={(value) => setLanguage(value as Language)} options={[{ label: '中文', value: 'zh' }, { label: 'English', value: 'en' }]} />}>
        <ProblemAlert error={error} />
        <Form
          layout="vertical"
          onFinish={async (values: { username: string; password: string }) => {
            setBusy(true);
            setError(undefined);
            try {
              onSignedIn(await signIn(values.username, values.password));
            } catch (failure) {
              setError(failure);
            } finally {
              setBusy(false);
            }
          }}
        >
          <Form.Item label={t('username')} name="username" rules={[{ required: true }]}>
            <Input autoComplete="username" />
          </Form.Item>
          <Form.Item label={t('password')} name="password" rules={[{ required: true }]}>
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={busy} block>
            {t('signIn')}
          </Button>
        </Form>
      </Card>
    </main>
  );
}
