import type { PairingCommand } from '@junheng/domain';
import { CommandMessage } from '../commands/command-message';

/** Any command of a pairing (establish, end). */
export class PairingCommandMessage extends CommandMessage<PairingCommand> {}
