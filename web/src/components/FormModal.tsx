// A form in a modal as the inspection and listing pages use it: the vertical form, what it still lacks
// (shown once it was tried) and the server's refusal under it, the OK button busy while it is sent.
import { Alert, Form, Modal } from 'antd';
import type { ReactNode } from 'react';
import type { Submit } from '../lib/useSubmit';

export function FormModal({
  title,
  okText,
  onOk,
  onCancel,
  submit,
  problems,
  testId,
  width = 620,
  children,
}: {
  title: string;
  okText: string;
  onOk: () => void;
  onCancel: () => void;
  submit: Pick<Submit, 'busy' | 'error' | 'shown'>;
  /** What the form lacks, in the user's words. */
  problems: readonly string[];
  /** data-testid of the form; its OK button is `<testId>-ok`, the refusal `<testId>-error`. */
  testId: string;
  width?: number;
  children: ReactNode;
}) {
  return (
    <Modal
      open
      width={width}
      title={title}
      okText={okText}
      onOk={onOk}
      onCancel={onCancel}
      confirmLoading={submit.busy}
      okButtonProps={{ 'data-testid': `${testId}-ok` } as never}
      destroyOnHidden
    >
      <Form layout="vertical" data-testid={testId}>
        {children}
      </Form>
      {submit.shown && problems.length > 0 && (
        <Alert type="warning" showIcon message={problems.join('；')} data-testid={`${testId}-problems`} />
      )}
      {submit.error && <Alert type="error" showIcon message={submit.error} data-testid={`${testId}-error`} />}
    </Modal>
  );
}
