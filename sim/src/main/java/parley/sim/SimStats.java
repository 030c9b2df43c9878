package parley.sim;

/**
 * A snapshot of the world's counters. Message counters satisfy
 * {@code messagesSent + messagesDuplicated == messagesDelivered + messagesDropped + messagesInFlight}.
 *
 * @param nowNs                 global virtual time
 * @param events                events processed so far
 * @param messagesSent          messages handed to the network
 * @param messagesDelivered     messages handed to a running process
 * @param messagesDuplicated    extra copies made by duplication
 * @param messagesDropped       messages lost for any reason (partition, loss, down, unknown, overflow)
 * @param messagesInFlight      messages scheduled or buffered, not yet delivered or dropped
 * @param droppedPartition      drops by a blocked link, at send or delivery
 * @param droppedLoss           drops by random loss
 * @param droppedDown           drops at a crashed or failed node
 * @param timersFired           timer callbacks
 * @param syncsCompleted        sync callbacks
 * @param starts                process starts, first boots included
 * @param crashes               crashes
 * @param failedStarts          starts refused because of a corrupt disk
 * @param pauses                pauses
 * @param bytesAppended         bytes written to all disks
 * @param syncsRequested        syncs requested on all disks
 */
public record SimStats(long nowNs, long events, long messagesSent, long messagesDelivered, long messagesDuplicated,
                       long messagesDropped, long messagesInFlight, long droppedPartition, long droppedLoss,
                       long droppedDown, long timersFired, long syncsCompleted, long starts, long crashes,
                       long failedStarts, long pauses, long bytesAppended, long syncsRequested) {}
