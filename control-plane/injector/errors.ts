/** The injector's refusal: the message is what the webhook denies the pod with, so it names the field and the fix. */
import { ErrorCodes, WeftError } from '../../common/errors.js';

export class InjectionError extends WeftError {
  constructor(message: string) {
    super(ErrorCodes.INJECTION_REFUSED, message);
    this.name = 'InjectionError';
  }
}
